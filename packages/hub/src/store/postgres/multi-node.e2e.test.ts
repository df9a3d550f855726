// Three `lienthong-hub` processes on one PostgreSQL database and one S3 bucket, as behind a load
// balancer: concurrent senders submit packages (some with attachments above the inline threshold, so
// their blobs are objects in the bucket) to random nodes; receivers long-poll, list, fetch, acknowledge
// (some deliveries on two nodes at the same moment) and answer with a status on random nodes; senders
// collect their statuses the same way. At the end: every package reached each of its recipients
// exactly once with its attachment's bytes, nothing is left pending, every status reached its sender
// exactly once, each acknowledgement was recorded once, and the audit chain verifies.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { verifyAuditLog } from '../../audit/verify-audit-log.js';
import { type S3TestServer, startS3TestServer, TEST_CREDENTIALS } from '../../blobs/s3/s3-test-server.js';
import { documentPackage } from '../../core/hub-test-support.js';
import { type HttpAnswer, httpCall } from '../../test-support/http-request.js';
import { openPostgresStore } from './postgres-store.js';
import { createTestDatabase, postgresSkipReason, sqlOn, type TestDatabase } from './postgres-test-database.js';

const SENDERS = ['000.00.00.G22', '000.00.00.H41'];
const RECEIVERS = ['000.00.00.H53', '000.00.11.H53', '000.00.01.A53'];
const PACKAGES = 72;
/** above the 256 KiB inline threshold: the attachment is an object in the bucket */
const LARGE = 300 * 1024;
const BUCKET = 'lienthong-multi-node';
const NODES = 3;

interface Node {
  url: string;
  dataDir: string;
  child: ChildProcess;
  stderr: string[];
  /** what it logged (JSON lines, LIENTHONG_LOG_LEVEL=warn) */
  stdout: string[];
}

let db: TestDatabase;
let s3: S3TestServer;
const nodes: Node[] = [];
let apiKeys: Map<string, string>;

function hubMain(): string[] {
  const main = fileURLToPath(new URL('../../main.js', import.meta.url));
  const isSource = !main.includes('/dist/');
  return isSource ? ['--conditions=lienthong-source', '--import', 'tsx', main.replace(/\.js$/, '.ts')] : [main];
}

async function startNode(dataDir: string, env: NodeJS.ProcessEnv, demo: boolean): Promise<Node> {
  const child = spawn(
    process.execPath,
    [
      ...hubMain(),
      '--data-dir',
      dataDir,
      '--database',
      db.url,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      ...(demo ? ['--demo'] : []),
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stderr: string[] = [];
  child.stderr!.on('data', (c: Buffer) => stderr.push(c.toString()));
  let out = '';
  const stdout: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout.push(c.toString());
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`hub exited (${code}) during start-up: ${out}${stderr.join('')}`)));
  });
  for (;;) {
    const ready = await httpCall(`${url}/readyz`).catch(() => undefined);
    if (ready?.status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, dataDir, child, stderr, stdout };
}

before(async () => {
  if (postgresSkipReason()) return;
  db = await createTestDatabase();
  s3 = await startS3TestServer();
  await s3.createBucket(BUCKET);
  const env: NodeJS.ProcessEnv = {
    LIENTHONG_LOG_LEVEL: 'warn',
    LIENTHONG_MASTER_KEY: randomBytes(32).toString('base64'),
    LIENTHONG_BLOBS_BACKEND: 's3',
    LIENTHONG_S3_ENDPOINT: s3.endpoint,
    LIENTHONG_S3_BUCKET: BUCKET,
    LIENTHONG_S3_REGION: 'us-east-1',
    LIENTHONG_S3_FORCE_PATH_STYLE: 'true',
    LIENTHONG_S3_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    LIENTHONG_S3_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    LIENTHONG_S3_PREFIX: '',
    LIENTHONG_INTAKE_WORKERS: '0',
    LIENTHONG_LONG_POLL_MAX: '30',
  };
  // node 1 creates the directory, the development CA and the hub's certificate; the others get copies
  // of its pki/ (one hub identity: receipts and audit checkpoints verify whichever node signed them)
  const first = mkdtempSync(join(tmpdir(), 'lt-node-1-'));
  nodes.push(await startNode(first, env, true));
  const demo = JSON.parse(readFileSync(join(first, 'demo-credentials.json'), 'utf8')) as {
    all: Array<{ systemId: string; apiKey: string }>;
  };
  apiKeys = new Map(demo.all.map((c) => [c.systemId, c.apiKey]));
  for (let i = 2; i <= NODES; i++) {
    const dir = mkdtempSync(join(tmpdir(), `lt-node-${i}-`));
    cpSync(join(first, 'pki'), join(dir, 'pki'), { recursive: true });
    nodes.push(await startNode(dir, env, false));
  }
});

after(async () => {
  for (const n of nodes) {
    if (n.child.exitCode === null) {
      const exited = new Promise((r) => n.child.once('exit', r));
      n.child.kill('SIGTERM');
      await exited;
    }
    rmSync(n.dataDir, { recursive: true, force: true });
  }
  await s3?.stop();
  await db?.drop();
});

const anyNode = (): Node => nodes[randomInt(nodes.length)]!;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function call(
  code: string,
  method: string,
  path: string,
  opts: { body?: Buffer | string; json?: unknown; node?: Node } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiKeys.get(code)}` };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (body !== undefined) headers['content-type'] = 'application/xml';
  const once = () =>
    httpCall(`${(opts.node ?? anyNode()).url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
  let r = await once();
  // as a client does: a read answered 503 (the object store or the database briefly unreachable) is tried
  // again; writes retry where they are made
  for (let attempt = 1; method === 'GET' && r.status === 503 && attempt < 5; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    r = await once();
  }
  return r;
}

function expectStatus(r: HttpAnswer, status: number, what: string): void {
  if (r.status === status) return;
  // an unexpected answer: what the nodes logged about that request
  const id = String(r.headers['x-request-id'] ?? '');
  const logs = nodes
    .flatMap((n) => [...n.stdout, ...n.stderr].join('').split('\n'))
    .filter((l) => id && l.includes(id));
  assert.equal(r.status, status, `${what}: ${r.text().slice(0, 500)}\n${logs.join('\n')}`);
}

interface Sent {
  docId: string;
  from: string;
  to: string[];
  attachmentSha: string;
  large: boolean;
}

test('three hub nodes on one database and one bucket: every package and every status delivered exactly once', {
  skip: postgresSkipReason(),
  timeout: 180_000,
}, async () => {
  const sent = new Map<string, Sent>();
  /** docId → recipient → how many times that recipient's inbox listed it */
  const listed = new Map<string, Map<string, number>>();
  /** sender → "docId from recipient" of each status it received */
  const statuses = new Map<string, string[]>();
  let racedAcks = 0;
  let submittedAll = false;

  // senders: packages to one or two receivers, on random nodes, a few at a time
  async function send(i: number): Promise<void> {
    const from = SENDERS[i % SENDERS.length]!;
    const to = RECEIVERS.filter(() => randomInt(2) === 1);
    if (to.length === 0) to.push(RECEIVERS[i % RECEIVERS.length]!);
    const content =
      i % 4 === 0 ? randomBytes(LARGE) : Buffer.from(`%PDF-1.4 gói ${i} ${randomBytes(8).toString('hex')}`);
    const pkg = await documentPackage(from, to, {
      documentId: `${from},2024/05/01,${i + 1}/MN-${randomBytes(4).toString('hex')}`,
      attachments: [{ attachmentName: `van-ban-${i}.pdf`, contentType: 'application/pdf', content }],
    });
    // as a client does: a 503 (the object store or the database briefly unreachable) is tried again, and
    // the same bytes again are the same document (never a second one: checked below)
    let r = await call(from, 'POST', '/v1/packages', { body: pkg });
    let retried = false;
    for (let attempt = 1; r.status === 503 && attempt < 5; attempt++) {
      retried = true;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      r = await call(from, 'POST', '/v1/packages', { body: pkg });
    }
    // a retry of a submit that had been stored answers 200: a duplicate, the same document
    expectStatus(r, retried && r.status === 200 ? 200 : 201, `submit ${i}`);
    const { docId, recipients } = r.json() as { docId: string; recipients: string[] };
    assert.deepEqual([...recipients].sort(), [...to].sort());
    sent.set(docId, { docId, from, to, attachmentSha: sha(content), large: content.length === LARGE });
  }
  const senders = (async () => {
    const queue = Array.from({ length: PACKAGES }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) await send(i);
      }),
    );
    submittedAll = true;
  })();

  const expectedFor = (recipient: string) => [...sent.values()].filter((s) => s.to.includes(recipient)).length;
  const handledBy = (recipient: string) => [...listed.values()].filter((m) => m.has(recipient)).length;

  // receivers: long-poll on a random node, fetch on others, acknowledge, answer with a status
  async function receive(code: string): Promise<void> {
    while (!submittedAll || handledBy(code) < expectedFor(code)) {
      const page = await call(code, 'GET', '/v1/inbox?type=edoc&limit=20&wait=3');
      expectStatus(page, 200, `${code} inbox`);
      const items = page.json().items as Array<{ docId: string; to: string }>;
      for (const item of items) {
        assert.equal(item.to, code);
        const seen = listed.get(item.docId) ?? new Map<string, number>();
        listed.set(item.docId, seen);
        seen.set(code, (seen.get(code) ?? 0) + 1);
        await handle(code, item.docId);
      }
    }
  }

  async function handle(code: string, docId: string): Promise<void> {
    const pkg = await call(code, 'GET', `/v1/packages/${docId}`);
    expectStatus(pkg, 200, `${code} fetch ${docId}`);
    assert.ok(pkg.body.length > 0);
    const att = await call(code, 'GET', `/v1/packages/${docId}/attachments/0`);
    expectStatus(att, 200, `${code} attachment of ${docId}`);
    // the submit's answer may still be on its way back to the sender: wait for it
    for (let i = 0; i < 400 && !sent.has(docId); i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(sha(att.body), sent.get(docId)?.attachmentSha, `${docId}: the attachment's bytes`);
    const racing = randomInt(3) === 0;
    if (racing) {
      // the same delivery acknowledged on two nodes at the same moment
      racedAcks++;
      const [n1, n2] = twoNodes();
      const acks = await Promise.all([
        call(code, 'POST', `/v1/packages/${docId}/ack`, { json: { state: 'done' }, node: n1 }),
        call(code, 'POST', `/v1/packages/${docId}/ack`, { json: { state: 'done' }, node: n2 }),
      ]);
      for (const a of acks) expectStatus(a, 204, `${code} raced ack of ${docId}`);
    } else {
      expectStatus(
        await call(code, 'POST', `/v1/packages/${docId}/ack`, { json: { state: 'processing' } }),
        204,
        `${code} ack processing ${docId}`,
      );
      expectStatus(
        await call(code, 'POST', `/v1/packages/${docId}/ack`, { json: { state: 'done' } }),
        204,
        `${code} ack done ${docId}`,
      );
    }
    const status = await call(code, 'POST', `/v1/packages/${docId}/status`, {
      json: { statusCode: '03', description: `${code} đã nhận` },
    });
    expectStatus(status, 201, `${code} status about ${docId}`);
  }

  function twoNodes(): [Node, Node] {
    const a = randomInt(nodes.length);
    const b = (a + 1 + randomInt(nodes.length - 1)) % nodes.length;
    return [nodes[a]!, nodes[b]!];
  }

  // senders collect the statuses about their packages the same way
  const expectedStatuses = (from: string) =>
    [...sent.values()].filter((s) => s.from === from).reduce((n, s) => n + s.to.length, 0);
  async function collect(code: string): Promise<void> {
    statuses.set(code, []);
    while (!submittedAll || statuses.get(code)!.length < expectedStatuses(code)) {
      const page = await call(code, 'GET', '/v1/inbox?type=status&limit=20&wait=3');
      expectStatus(page, 200, `${code} status inbox`);
      for (const item of page.json().items as Array<{ docId: string; from: string; responseForDocId?: string }>) {
        statuses.get(code)!.push(`${item.responseForDocId} from ${item.from}`);
        expectStatus(
          await call(code, 'POST', `/v1/packages/${item.docId}/ack`, { json: { state: 'done' } }),
          204,
          `${code} ack of status ${item.docId}`,
        );
      }
    }
  }

  await Promise.all([senders, ...RECEIVERS.map(receive), ...SENDERS.map(collect)]);

  // every package reached each of its recipients exactly once, and nobody else
  assert.equal(sent.size, PACKAGES);
  for (const s of sent.values()) {
    const seen = listed.get(s.docId);
    assert.deepEqual(
      Object.fromEntries([...(seen ?? new Map())].sort()),
      Object.fromEntries(s.to.map((r) => [r, 1]).sort()),
      `${s.docId}: listed once in each recipient's inbox`,
    );
  }
  assert.ok(racedAcks > 0, 'some deliveries were acknowledged on two nodes at once');
  // every status reached its sender exactly once
  for (const from of SENDERS) {
    const expected = [...sent.values()]
      .filter((s) => s.from === from)
      .flatMap((s) => s.to.map((r) => `${s.docId} from ${r}`))
      .sort();
    assert.deepEqual([...statuses.get(from)!].sort(), expected, `${from}: each status once`);
  }

  // in the database: no delivery left pending, one ack-done event per delivery
  const open = await sqlOn(db.url, `SELECT doc_id, recipient, state FROM deliveries WHERE state <> 'done'`);
  assert.deepEqual(open, [], 'no delivery left pending');
  const deliveries = await sqlOn(db.url, 'SELECT count(*)::int AS n FROM deliveries');
  const totalRecipients = [...sent.values()].reduce((n, s) => n + s.to.length, 0);
  assert.equal(deliveries[0]?.['n'], 2 * totalRecipients, 'a delivery per recipient and one per status');
  const doubled = await sqlOn(
    db.url,
    `SELECT doc_id, recipient, count(*)::int AS n FROM events WHERE kind = 'ack-done'
      GROUP BY doc_id, recipient HAVING count(*) <> 1`,
  );
  assert.deepEqual(doubled, [], 'each delivery acknowledged done once');
  const acksDone = await sqlOn(db.url, `SELECT count(*)::int AS n FROM events WHERE kind = 'ack-done'`);
  assert.equal(acksDone[0]?.['n'], 2 * totalRecipients);

  // the large attachments are objects in the one bucket every node reads
  const objects = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  const keys = new Set((objects.Contents ?? []).map((o) => o.Key));
  const large = [...sent.values()].filter((s) => s.large);
  assert.equal(large.length, PACKAGES / 4);
  for (const s of large) assert.ok(keys.has(`blobs/${s.attachmentSha}`), `${s.docId}: its attachment is in the bucket`);

  // the audit chain, written by three nodes, is one chain
  const store = await openPostgresStore({ url: db.url, migrate: false, poolSize: 1 });
  try {
    const pki = join(nodes[0]!.dataDir, 'pki', 'ca');
    const verdict = await verifyAuditLog(store, {
      anchors: [readFileSync(join(pki, 'root.pem'))],
      intermediates: [readFileSync(join(pki, 'intermediate.pem'))],
    });
    assert.equal(verdict.valid, true, JSON.stringify(verdict.broken));
    assert.ok(verdict.entries > PACKAGES);
  } finally {
    await store.close();
  }
  for (const n of nodes) assert.equal(n.child.exitCode, null, `node ${n.url} still runs: ${n.stderr.join('')}`);
});
