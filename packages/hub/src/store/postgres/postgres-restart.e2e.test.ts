// PostgreSQL restarted under load. Two `lienthong-hub` processes run on a PostgreSQL cluster of this
// test's own (private-cluster.ts: restarting the shared server on 5432 would break the tests running
// beside this one). Senders submit packages over /v1 and over VXP sendEdoc, receivers long-poll, fetch
// and acknowledge, while the test restarts the cluster with `pg_ctlcluster … restart` (fast: sessions
// terminated) and later crashes it (`stop -m immediate`), leaves it down two seconds and starts it.
// Clients do what a client should: a 503 (VXP: FAIL 503) is tried again with the same bytes.
// Asserted: no answer other than success or 503 was ever seen; both hub processes stayed up and serve
// again without being restarted; every package was accepted once and got one DocId (a retry of a
// package whose OK was lost answers with the same DocId); each recipient listed each package once and
// its acknowledgement stuck; nothing is pending; the audit chain verifies. The counts of 503s and
// retries, and how long each fault made the hub unavailable, are printed (diagnostics, not asserted).

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifyAuditLog } from '../../audit/verify-audit-log.js';
import type { IssuedCredentials } from '../../core/contract.js';
import { documentPackage } from '../../core/hub-test-support.js';
import { DirectoryService } from '../../directory/directory-service.js';
import { SecretSealer } from '../../directory/secret-sealer.js';
import { type HttpAnswer, httpCall } from '../../test-support/http-request.js';
import { javaSdkHashFile, VxpTestClient } from '../../test-support/vxp-test-client.js';
import { openPostgresStore } from './postgres-store.js';
import { createTestDatabase, postgresSkipReason, sqlOn, type TestDatabase } from './postgres-test-database.js';
import { createPrivateCluster, type PrivateCluster } from './private-cluster.js';

const SENDERS = ['000.00.00.G22', '000.00.00.H41'];
const RECEIVERS = ['000.00.00.H53', '000.00.11.H53', '000.00.01.A53'];
const V1_SENDERS = 8;
const VXP_SENDERS = 4;
/** a request still failing after this long (the database long back) fails the test */
const GIVE_UP_MS = 60_000;
const HUB_START_MS = 30_000;

interface Node {
  url: string;
  dataDir: string;
  child: ChildProcess;
  pid: number;
  out: string[];
}

let cluster: PrivateCluster | undefined;
let db: TestDatabase | undefined;
const nodes: Node[] = [];

function hubMain(): string[] {
  const main = fileURLToPath(new URL('../../main.js', import.meta.url));
  const isSource = !main.includes('/dist/');
  return isSource ? ['--conditions=lienthong-source', '--import', 'tsx', main.replace(/\.js$/, '.ts')] : [main];
}

async function startNode(dataDir: string, url: string, env: NodeJS.ProcessEnv): Promise<Node> {
  const child = spawn(
    process.execPath,
    [...hubMain(), '--data-dir', dataDir, '--database', url, '--host', '127.0.0.1', '--port', '0'],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const out: string[] = [];
  const node: Node = { url: '', dataDir, child, pid: child.pid!, out };
  nodes.push(node);
  child.stderr!.on('data', (c: Buffer) => out.push(c.toString()));
  let stdout = '';
  node.url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hub did not start in ${HUB_START_MS} ms: ${out.join('')}`)),
      HUB_START_MS,
    );
    child.stdout!.on('data', (c: Buffer) => {
      out.push(c.toString());
      stdout += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`hub exited (${code}) during start-up: ${out.join('')}`)));
  });
  for (const started = Date.now(); ; ) {
    const ready = await httpCall(`${node.url}/readyz`).catch(() => undefined);
    if (ready?.status === 200) break;
    if (Date.now() - started > HUB_START_MS) throw new Error(`hub at ${node.url} not ready: ${out.join('')}`);
    await sleep(100);
  }
  return node;
}

// a run killed half-way leaves no hub behind (its cluster is dropped by the next run)
process.once('exit', () => {
  for (const n of nodes) if (n.child.exitCode === null) n.child.kill('SIGKILL');
});

after(async () => {
  for (const n of nodes) {
    if (n.child.exitCode === null) {
      const exited = new Promise((r) => n.child.once('exit', r));
      n.child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (n.child.exitCode === null) n.child.kill('SIGKILL');
    }
    rmSync(n.dataDir, { recursive: true, force: true });
  }
  await cluster?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What the clients met. */
const tally = {
  requests: 0,
  /** 503 answers (VXP: FAIL 503), each tried again */
  unavailable: 0,
  /** requests that failed at the connection to the hub (none expected: the hub stays up), tried again */
  hubConnectionErrors: 0,
  /** submissions that met a 503 before their OK */
  retriedSubmissions: 0,
  /** when each 503 was answered (ms since the load began) */
  unavailableAt: [] as number[],
};
let loadStarted = 0;
/** something failed: every client stops at its next request */
let aborted = false;

type Verdict = 'ok' | 'retry' | 'unexpected';

/** A 2xx is an answer; a 503 is tried again with the same request; anything else fails the test. */
const v1Verdict = (r: HttpAnswer): Verdict =>
  r.status >= 200 && r.status < 300 ? 'ok' : r.status === 503 ? 'retry' : 'unexpected';

/** VXP answers HTTP 200 with status OK, or FAIL with the error's HTTP status as ErrorCode. */
function vxpVerdict(r: HttpAnswer): Verdict {
  if (r.status !== 200) return 'unexpected';
  const a = r.json() as { status?: string; ErrorCode?: string };
  if (a.status === 'OK') return 'ok';
  return a.status === 'FAIL' && a.ErrorCode === '503' ? 'retry' : 'unexpected';
}

function describeUnexpected(what: string, r: HttpAnswer): string {
  const id = String(r.headers['x-request-id'] ?? '');
  const logs = nodes
    .flatMap((n) => n.out.join('').split('\n'))
    .filter((l) => id && l.includes(id))
    .join('\n');
  return `${what}: HTTP ${r.status} ${r.text().slice(0, 500)}\n${logs}`;
}

/** Sends until an answer other than 503 comes; returns it with whether any 503 came before. */
async function withRetry(
  what: string,
  send: () => Promise<HttpAnswer>,
  verdict: (r: HttpAnswer) => Verdict,
): Promise<{ answer: HttpAnswer; retried: boolean }> {
  const started = Date.now();
  let retried = false;
  for (let attempt = 1; ; attempt++) {
    if (aborted) throw new Error(`${what}: stopped, the test failed elsewhere`);
    tally.requests++;
    let answer: HttpAnswer | undefined;
    try {
      answer = await send();
    } catch (err) {
      tally.hubConnectionErrors++;
      if (Date.now() - started > GIVE_UP_MS) throw new Error(`${what}: the hub cannot be reached`, { cause: err });
    }
    if (answer) {
      const v = verdict(answer);
      if (v === 'ok') return { answer, retried };
      if (v === 'unexpected') throw new Error(describeUnexpected(what, answer));
      tally.unavailable++;
      tally.unavailableAt.push(Date.now() - loadStarted);
      if (Date.now() - started > GIVE_UP_MS) {
        throw new Error(`${what}: still 503 after ${GIVE_UP_MS} ms: ${answer.text().slice(0, 300)}`);
      }
    }
    retried = true;
    // back off a little, with jitter, as a client should
    await sleep(Math.min(1000, 50 * attempt) * (0.5 + Math.random()));
  }
}

test('PostgreSQL restarted and crashed under load: 503s, retries, then nothing lost and nothing doubled', {
  skip: postgresSkipReason(),
  timeout: 180_000,
}, async (t) => {
  cluster = await createPrivateCluster();
  db = await createTestDatabase(cluster.adminUrl);
  const masterKey = randomBytes(32);
  // the agencies, registered before the nodes start (the demo directory would cost seconds of key generation)
  const creds = new Map<string, IssuedCredentials>();
  const setup = await openPostgresStore({ url: db.url, poolSize: 1 });
  try {
    const directory = new DirectoryService(setup, new SecretSealer(masterKey));
    for (const code of [...SENDERS, ...RECEIVERS]) {
      creds.set(code, (await directory.addAgency({ code, name: `Cơ quan ${code}` })).credentials);
    }
  } finally {
    await setup.close();
  }
  const env: NodeJS.ProcessEnv = {
    LIENTHONG_LOG_LEVEL: 'warn',
    LIENTHONG_MASTER_KEY: masterKey.toString('base64'),
    LIENTHONG_INTAKE_WORKERS: '0',
    LIENTHONG_LONG_POLL_MAX: '30',
    LIENTHONG_DATABASE_POOL_SIZE: '8',
  };
  // node 1 creates the development CA and the hub's certificate; node 2 gets a copy (one hub identity)
  const first = mkdtempSync(join(tmpdir(), 'lt-restart-1-'));
  const node1 = await startNode(first, db.url, env);
  const second = mkdtempSync(join(tmpdir(), 'lt-restart-2-'));
  cpSync(join(first, 'pki'), join(second, 'pki'), { recursive: true });
  const node2 = await startNode(second, db.url, env);
  const anyNode = () => nodes[randomInt(nodes.length)]!;

  const v1 = (code: string, method: string, path: string, body?: { xml?: Buffer; json?: unknown }) => {
    const headers: Record<string, string> = { authorization: `Bearer ${creds.get(code)!.apiKey}` };
    let payload: Buffer | string | undefined;
    if (body?.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body?.xml) {
      headers['content-type'] = 'application/xml';
      payload = body.xml;
    }
    return httpCall(`${anyNode().url}/v1${path}`, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
    });
  };

  /** package key → what its sender was finally told */
  const sent = new Map<string, { docId: string; from: string; to: string[]; sha256: string }>();
  /** docId → recipient → how many times that recipient's inbox listed it */
  const listed = new Map<string, Map<string, number>>();
  let loadOver = false;
  let sendersDone = false;
  let counter = 0;

  async function sendOne(loop: number, viaVxp: boolean): Promise<void> {
    const n = ++counter;
    const from = SENDERS[loop % SENDERS.length]!;
    const to = RECEIVERS.filter(() => randomInt(2) === 1);
    if (to.length === 0) to.push(RECEIVERS[n % RECEIVERS.length]!);
    const key = `${viaVxp ? 'vxp' : 'v1'}-${n}`;
    const pkg = await documentPackage(from, to, {
      documentId: `${from},2024/05/01,${n}/PGR-${randomBytes(4).toString('hex')}`,
      attachments: [
        {
          attachmentName: `van-ban-${n}.pdf`,
          contentType: 'application/pdf',
          content: Buffer.from(`%PDF-1.4 gói ${n} ${randomBytes(16).toString('hex')}`),
        },
      ],
    });
    let docId: string;
    if (viaVxp) {
      const client = new VxpTestClient(anyNode().url, { systemId: from, secret: creds.get(from)!.vxpSecret });
      const { answer, retried } = await withRetry(
        `${key} sendEdoc`,
        () =>
          client.call(
            'sendEdoc',
            { servicetype: 'eDoc', from, messagetype: 'edoc', 'hash-file': javaSdkHashFile(pkg) },
            { body: pkg, contentType: 'application/octet-stream' },
          ),
        vxpVerdict,
      );
      docId = answer.json().DocId as string;
      if (retried) tally.retriedSubmissions++;
    } else {
      const { answer, retried } = await withRetry(
        `${key} POST /v1/packages`,
        () => v1(from, 'POST', '/packages', { xml: pkg }),
        v1Verdict,
      );
      // 201 accepted; 200 (a duplicate) only for the same bytes again, which only a retry sends
      if (!retried) assert.equal(answer.status, 201, `${key}: a first submission is accepted`);
      const body = answer.json() as { docId: string; recipients: string[] };
      assert.deepEqual([...body.recipients].sort(), [...to].sort(), `${key}: its recipients`);
      docId = body.docId;
      if (retried) tally.retriedSubmissions++;
    }
    assert.match(docId, /\S/, `${key}: a DocId`);
    sent.set(key, { docId, from, to, sha256: sha(pkg) });
  }

  async function sender(loop: number, viaVxp: boolean): Promise<void> {
    while (!loadOver) await sendOne(loop, viaVxp);
  }

  const expectedFor = (code: string) => [...sent.values()].filter((s) => s.to.includes(code)).length;
  const handledBy = (code: string) => [...listed.values()].filter((m) => m.has(code)).length;

  async function handle(code: string, docId: string): Promise<void> {
    const seen = listed.get(docId) ?? new Map<string, number>();
    listed.set(docId, seen);
    seen.set(code, (seen.get(code) ?? 0) + 1);
    const pkg = await withRetry(`${code} fetch ${docId}`, () => v1(code, 'GET', `/packages/${docId}`), v1Verdict);
    assert.ok(pkg.answer.body.length > 0, `${code} fetch ${docId}: the package's bytes`);
    await withRetry(
      `${code} ack ${docId}`,
      () => v1(code, 'POST', `/packages/${docId}/ack`, { json: { state: 'done' } }),
      v1Verdict,
    );
  }

  async function receiver(code: string): Promise<void> {
    for (;;) {
      const done = sendersDone && handledBy(code) >= expectedFor(code);
      const page = await withRetry(
        `${code} inbox`,
        () => v1(code, 'GET', `/inbox?type=edoc&limit=50&wait=${done ? 0 : 2}`),
        v1Verdict,
      );
      const items = page.answer.json().items as Array<{ docId: string; to: string }>;
      if (done) {
        // everything it was sent is acknowledged: its inbox is empty
        assert.deepEqual(
          items.map((i) => i.docId),
          [],
          `${code}: nothing left in the inbox once everything was acknowledged`,
        );
        return;
      }
      for (const item of items) assert.equal(item.to, code);
      await Promise.all(items.map((item) => handle(code, item.docId)));
    }
  }

  // the faults, while the load runs
  const faults: Array<{ name: string; from: number; to: number }> = [];
  async function fault(name: string, act: () => Promise<void>): Promise<void> {
    const from = Date.now() - loadStarted;
    await act();
    faults.push({ name, from, to: Date.now() - loadStarted });
  }
  async function faultSchedule(): Promise<void> {
    await sleep(1000);
    await fault('pg_ctlcluster restart (fast)', () => cluster!.restart());
    await sleep(2000);
    await fault('pg_ctlcluster stop -m immediate, 2 s down, start', async () => {
      await cluster!.stop('immediate');
      await sleep(2000);
      await cluster!.start();
    });
    // load on a database that is back, then stop submitting
    await sleep(1500);
    loadOver = true;
  }

  loadStarted = Date.now();
  const senders = Promise.all([
    ...Array.from({ length: V1_SENDERS }, (_, i) => sender(i, false)),
    ...Array.from({ length: VXP_SENDERS }, (_, i) => sender(i, true)),
  ]).then(() => {
    sendersDone = true;
  });
  // a failure anywhere stops the load at once (the others would otherwise run to their end)
  const work = Promise.all([faultSchedule(), senders, ...RECEIVERS.map(receiver)]);
  work.catch(() => {
    loadOver = true;
    aborted = true;
  });
  await work;
  const loadMs = Date.now() - loadStarted;
  // a submission stored whose answer was lost (a 503 after the commit) is found again by its retry
  const [lost] = await sqlOn(db.url, `SELECT count(*)::int AS n FROM audit_log WHERE action = 'accept-duplicate'`);

  // what the clients saw: printed, not asserted (it depends on timing)
  t.diagnostic(
    `${sent.size} packages in ${loadMs} ms; ${tally.requests} requests, ${tally.unavailable} answered 503 and ` +
      `tried again, ${tally.hubConnectionErrors} failed at the hub's connection, ` +
      `${tally.retriedSubmissions} submissions met a 503 before their OK, ${lost?.['n']} of them had been stored ` +
      'by the attempt that met it (the retry got the same DocId back)',
  );
  for (const [i, f] of faults.entries()) {
    const next = faults[i + 1]?.from ?? Number.POSITIVE_INFINITY;
    const in503 = tally.unavailableAt.filter((at) => at >= f.from && at < next);
    const span = in503.length > 0 ? `503s from +${in503[0]! - f.from} ms to +${in503.at(-1)! - f.from} ms` : 'no 503';
    t.diagnostic(`${f.name}: took ${f.to - f.from} ms; ${in503.length} requests answered 503, ${span}`);
  }

  // the hubs stayed up and serve again: the pools reconnected by themselves
  for (const n of [node1, node2]) {
    assert.equal(n.child.exitCode, null, `the hub at ${n.url} still runs: ${n.out.join('').slice(-2000)}`);
    assert.equal(n.child.pid, n.pid);
    const ready = await httpCall(`${n.url}/readyz`);
    assert.equal(ready.status, 200, `the hub at ${n.url} is ready again: ${ready.text()}`);
  }
  assert.ok(tally.unavailable > 0, 'the database outages were seen by the clients (as 503s)');

  // every package was answered with its own DocId
  const docIds = [...sent.values()].map((s) => s.docId);
  assert.equal(new Set(docIds).size, docIds.length, 'no two packages were given the same DocId');

  // in the database: each package once, under the DocId its sender was told
  const rows = await sqlOn(db.url, 'SELECT doc_id, sender, sha256 FROM documents');
  const stored = new Map(rows.map((r) => [r['doc_id'] as string, r]));
  assert.equal(rows.length, sent.size, 'one document per package, no more, no fewer');
  for (const [key, s] of sent) {
    const row = stored.get(s.docId);
    assert.ok(row, `${key}: ${s.docId}, answered OK, is stored`);
    assert.equal(row['sha256'], s.sha256, `${key}: ${s.docId} holds the package's bytes`);
    assert.equal(row['sender'], s.from);
  }
  const doubled = await sqlOn(
    db.url,
    'SELECT sender, sha256, count(*)::int AS n FROM documents GROUP BY sender, sha256 HAVING count(*) > 1',
  );
  assert.deepEqual(doubled, [], 'no package stored twice');

  // each recipient listed each package once, and its acknowledgement stuck
  for (const [key, s] of sent) {
    assert.deepEqual(
      Object.fromEntries([...(listed.get(s.docId) ?? new Map())].sort()),
      Object.fromEntries(s.to.map((r) => [r, 1]).sort()),
      `${key}: ${s.docId} listed once in each recipient's inbox`,
    );
  }
  const deliveries = await sqlOn(db.url, 'SELECT doc_id, recipient, state FROM deliveries');
  const totalRecipients = [...sent.values()].reduce((n, s) => n + s.to.length, 0);
  assert.equal(deliveries.length, totalRecipients, 'one delivery per recipient of each package');
  assert.deepEqual(
    deliveries.filter((d) => d['state'] !== 'done'),
    [],
    'every delivery acknowledged done',
  );
  const acks = await sqlOn(
    db.url,
    `SELECT doc_id, recipient, count(*)::int AS n FROM events WHERE kind = 'ack-done' GROUP BY doc_id, recipient`,
  );
  assert.equal(acks.length, totalRecipients, 'an ack-done event per delivery');
  assert.deepEqual(
    acks.filter((a) => a['n'] !== 1),
    [],
    'each delivery acknowledged done once',
  );

  // the audit chain, written through both restarts by two nodes, verifies
  const store = await openPostgresStore({ url: db.url, migrate: false, poolSize: 1 });
  try {
    const pki = join(first, 'pki', 'ca');
    const verdict = await verifyAuditLog(store, {
      anchors: [readFileSync(join(pki, 'root.pem'))],
      intermediates: [readFileSync(join(pki, 'intermediate.pem'))],
    });
    assert.equal(verdict.valid, true, JSON.stringify(verdict.broken));
    assert.ok(verdict.entries > sent.size);
  } finally {
    await store.close();
  }
});
