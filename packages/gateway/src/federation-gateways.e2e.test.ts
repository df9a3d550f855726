// Three `lienthong-hub` processes on loopback (a national hub and two provincial hubs A and B, each on its
// own SQLite data directory and its own port) and one agency gateway per agency involved, each pointed at
// its own hub. A commune of province A drops one package into its gateway's outbox, addressed to a
// ministry (served by the national hub) and to a commune of province B; both recipients' gateways write it
// into their inbox folders, signature verified; each recipient answers 01…06 through its gateway's local
// API; the sender's gateway receives all twelve, in order per recipient; after the hubs stop, the timeline
// at every hub shows each hop. The three hubs share one development CA (copied into each data directory
// before first start), standing in for the government CA every hub and gateway trusts.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LienthongClient } from '@lienthong/client';
import { buildDocument, collect } from '@lienthong/edxml';
import { createHub, type HubConfig, loadConfig, loadLinkIdentity, type Principal } from '@lienthong/hub';
import { writeAgencyCertFiles } from '@lienthong/trust/testing/agency-cert-files';
import pino from 'pino';
import { type RunningGateway, startGateway } from './gateway.js';
import { dropIntoOutbox, folderOf, testGatewayConfig, until } from './test-support/gateway-testing.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field
type Json = Record<string, any>;

const NATIONAL = 'hub.national';
const HUB_A = 'hub.province-a';
const HUB_B = 'hub.province-b';
const MINISTRY = '000.00.00.G22';
const COMMUNE_A = '000.00.31.H53';
const COMMUNE_B = '000.00.32.H41';
const CODES = ['01', '02', '03', '04', '05', '06'];
const admin: Principal = { systemId: 'admin', via: 'admin' };
/** each agency's own hub */
const HOME: Record<string, string> = { [MINISTRY]: NATIONAL, [COMMUNE_A]: HUB_A, [COMMUNE_B]: HUB_B };

interface Node {
  id: string;
  dataDir: string;
  pub: string;
  port: number;
  child?: ChildProcess;
  log: string[];
}

let root: string;
let anchor: string;
const nodes = new Map<string, Node>();
const node = (id: string) => nodes.get(id)!;
const agencies = new Map<string, { apiKey: string; key: string; cert: string }>();
const configs = new Map<string, Record<string, unknown>>();
const gateways = new Map<string, RunningGateway>();

function hubMain(): string[] {
  const isSource = import.meta.url.endsWith('.ts');
  const main = fileURLToPath(new URL(isSource ? '../../hub/src/main.ts' : '../../hub/dist/main.js', import.meta.url));
  return isSource ? ['--conditions=lienthong-source', '--import', 'tsx', main] : [main];
}

/** a free loopback port (the peers' URLs must be known before the hubs start) */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const hubUrl = (id: string) => `http://127.0.0.1:${node(id).port}`;
const peer = (id: string) => ({ hubId: id, url: hubUrl(id), certificate: node(id).pub });

async function startNode(n: Node): Promise<void> {
  const federation =
    n.id === NATIONAL
      ? { LIENTHONG_FEDERATION_CHILDREN: JSON.stringify([peer(HUB_A), peer(HUB_B)]) }
      : { LIENTHONG_FEDERATION_PARENT: JSON.stringify(peer(NATIONAL)) };
  const child = spawn(
    process.execPath,
    [...hubMain(), '--data-dir', n.dataDir, '--hub-id', n.id, '--host', '127.0.0.1', '--port', String(n.port)],
    {
      env: {
        ...process.env,
        LIENTHONG_LOG_LEVEL: 'warn',
        LIENTHONG_INTAKE_WORKERS: '0',
        LIENTHONG_FEDERATION_SYNC_INTERVAL: '1',
        LIENTHONG_FEDERATION_RETRY_BASE_MS: '100',
        LIENTHONG_FEDERATION_RETRY_MAX_MS: '800',
        LIENTHONG_SHUTDOWN_GRACE: '1',
        ...federation,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  n.child = child;
  let out = '';
  child.stderr!.on('data', (c: Buffer) => n.log.push(c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${n.id} did not start in 30 s: ${n.log.join('')}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      n.log.push(c.toString());
      out += c.toString();
      if (/listening on http:\/\/\S+/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${n.id} exited (${code}) during start-up: ${n.log.join('')}`));
    });
  });
}

async function stopNode(n: Node, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const child = n.child;
  n.child = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function getJson(url: string): Promise<{ status: number; json: Json }> {
  const res = await fetch(url);
  return { status: res.status, json: (await res.json()) as Json };
}

async function post(url: string, body: string): Promise<{ status: number; json: Json }> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
  return { status: res.status, json: (await res.json()) as Json };
}

async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

async function readJson(path: string): Promise<Json> {
  return JSON.parse(await readFile(path, 'utf8')) as Json;
}

/** a valid, unsigned document package (the sender's gateway signs it) */
async function documentPackage(from: string, to: string[], subject: string): Promise<Buffer> {
  const notation = `FG-${process.pid}-${Date.now() % 1_000_000}`;
  const documentId = `${from},2024/05/01,42/${notation}`;
  return collect(
    buildDocument({
      header: {
        from: { organId: from, organName: 'UBND xã A, tỉnh A' },
        to: to.map((organId) => ({ organId, organName: `Cơ quan ${organId}` })),
        documentId,
        code: { codeNumber: '42', codeNotation: notation },
        promulgationInfo: { place: 'Tỉnh A', promulgationDate: '2024/05/01' },
        documentType: { type: 1, typeName: 'Công văn' },
        subject,
        signerInfo: { fullName: 'Nguyễn Văn A' },
        otherInfo: { priority: 0, appendixes: [] },
        responseFor: [],
        toPlaces: [],
      },
      traces: [{ organId: from, timestamp: '2024/05/01 08:00:00' }],
      business: { docType: 0, documentId },
      attachments: [
        { attachmentName: 'vanban.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 fed') },
      ],
    }),
  );
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'lt-fed-gw-'));
  for (const id of [NATIONAL, HUB_A, HUB_B]) {
    const dataDir = join(root, id);
    await mkdir(dataDir);
    // the link key, made before the hubs start (each hub pins the others')
    await loadLinkIdentity({ dataDir, federation: {} } as HubConfig);
    nodes.set(id, { id, dataDir, pub: join(dataDir, 'keys', 'link.pub.pem'), port: await freePort(), log: [] });
  }
  // each hub's own agencies, registered on its data directory before it starts; the national hub's first
  // start makes the development CA, which the provincial hubs get a copy of
  const names: Array<[string, string]> = [
    [MINISTRY, 'Bộ Nội vụ'],
    [COMMUNE_A, 'UBND xã A, tỉnh A'],
    [COMMUNE_B, 'UBND xã B, tỉnh B'],
  ];
  const caDir = join(node(NATIONAL).dataDir, 'pki', 'ca');
  for (const [code, name] of names) {
    const hubId = HOME[code]!;
    if (hubId !== NATIONAL) await cp(caDir, join(node(hubId).dataDir, 'pki', 'ca'), { recursive: true });
    const config = loadConfig({
      env: {},
      overrides: { dataDir: node(hubId).dataDir, hubId, intake: { workers: 0 }, log: { level: 'silent' } },
    });
    const hub = await createHub(config, { logger: pino({ level: 'silent' }) });
    const apiKey = (await hub.addAgency({ code, name })).credentials.apiKey;
    await hub.close();
    agencies.set(code, { apiKey, key: '', cert: '' });
  }
  // each agency's signing key and certificate from the shared CA (intermediate after the certificate)
  anchor = join(caDir, 'root.pem');
  const intermediate = await readFile(join(caDir, 'intermediate.pem'), 'utf8');
  const keysDir = join(root, 'agency-keys');
  await mkdir(keysDir);
  for (const [code] of names) {
    const files = await writeAgencyCertFiles(caDir, code, keysDir);
    await appendFile(files.cert, intermediate);
    agencies.get(code)!.key = files.key;
    agencies.get(code)!.cert = files.cert;
  }
  // the ports are chosen before the hubs start (each hub is configured with the others' URLs): should
  // another process take one meanwhile, all three start again on fresh ports
  for (let attempt = 1; ; attempt++) {
    const started = await Promise.allSettled([...nodes.values()].map((n) => startNode(n)));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) break;
    for (const n of nodes.values()) await stopNode(n, 'SIGKILL');
    if (attempt >= 3 || !/EADDRINUSE/.test(String(failed.reason))) throw failed.reason;
    for (const n of nodes.values()) {
      n.port = await freePort();
      n.log = [];
    }
  }
  // one gateway per agency, pointed at the agency's own hub
  for (const [code] of names) {
    const a = agencies.get(code)!;
    const config = testGatewayConfig({
      hubUrl: hubUrl(HOME[code]!),
      root: join(root, `gw-${code}`),
      tenants: [{ agency: code, apiKey: a.apiKey, key: a.key, cert: a.cert }],
      trustAnchors: [anchor],
    });
    configs.set(code, config);
    gateways.set(code, await startGateway(config));
  }
  // directories converge: each hub knows the three agencies
  await until(
    async () => {
      for (const code of [MINISTRY, COMMUNE_A, COMMUNE_B]) {
        const c = new LienthongClient({ url: hubUrl(HOME[code]!), apiKey: agencies.get(code)!.apiKey });
        const known = (await c.agencies().catch(() => [])).map((x) => x.code);
        if (![MINISTRY, COMMUNE_A, COMMUNE_B].every((x) => known.includes(x))) return false;
      }
      return true;
    },
    'every hub knows every agency',
    30_000,
  );
});

after(async () => {
  for (const g of gateways.values()) await g.close().catch(() => undefined);
  for (const n of nodes.values()) await stopNode(n, 'SIGKILL').catch(() => undefined);
  if (root) await rm(root, { recursive: true, force: true });
});

let sentDocId: string;
const localDocIds = new Map<string, string>();

test('a commune of province A sends through its gateway to a ministry and a commune of province B; both gateways deliver it verified; 01…06 come back to the sender gateway', async () => {
  const aFolder = folderOf(configs.get(COMMUNE_A)!, COMMUNE_A);
  const subject = 'Về việc liên thông qua ba trục';
  await dropIntoOutbox(aFolder, 'cong-van.edxml', await documentPackage(COMMUNE_A, [MINISTRY, COMMUNE_B], subject));
  const sentFile = await until(
    async () => (await listDir(join(aFolder, 'sent'))).find((f) => f.endsWith('.json')),
    'the sender gateway sent it',
    20_000,
  );
  sentDocId = (await readJson(join(aFolder, 'sent', sentFile)))['docId'];
  assert.ok(sentDocId);

  // both recipients' gateways write it into their inbox folders, the sender's signature verified
  for (const code of [MINISTRY, COMMUNE_B]) {
    const inbox = join(folderOf(configs.get(code)!, code), 'inbox');
    // the package and, beside it, its verdict
    const metaFile = await until(
      async () => {
        const files = await listDir(inbox);
        return files.find((f) => f.endsWith('.json') && files.includes(f.replace(/\.json$/, '.edxml')));
      },
      `${code}'s gateway has the package`,
      30_000,
    );
    const docId = metaFile.replace(/\.json$/, '');
    const meta = await readJson(join(inbox, metaFile));
    assert.equal(meta['from'], COMMUNE_A);
    assert.equal(meta['subject'], subject);
    assert.equal(meta['signature'].status, 'valid', `${code}: ${JSON.stringify(meta['signature'])}`);
    assert.equal(meta['signature'].signer.agencyCode, COMMUNE_A);
    const bytes = await readFile(join(inbox, `${docId}.edxml`), 'utf8');
    assert.match(bytes, new RegExp(subject));
    localDocIds.set(code, docId);
  }

  // each recipient answers 01…06 through its gateway's local API
  for (const code of [MINISTRY, COMMUNE_B]) {
    const g = gateways.get(code)!;
    const docId = localDocIds.get(code)!;
    for (const statusCode of CODES) {
      const r = await post(
        `${g.url}/v1/tenants/${code}/documents/${docId}/status`,
        JSON.stringify({ code: statusCode, description: `Trạng thái ${statusCode}`, staff: 'Trần Thị B' }),
      );
      assert.equal(r.status, 202, JSON.stringify(r.json));
    }
  }

  // the sender's gateway receives all twelve, each verified, once, in order per recipient
  const ga = gateways.get(COMMUNE_A)!;
  const statuses = await until(
    async () => {
      const items = (await getJson(`${ga.url}/v1/tenants/${COMMUNE_A}/inbox?type=status&handled=all`)).json[
        'items'
      ] as Json[];
      return items.length >= 2 * CODES.length ? items : undefined;
    },
    'twelve statuses at the sender gateway',
    40_000,
  );
  assert.equal(statuses.length, 2 * CODES.length, 'no status arrived twice');
  // and has written each into its statuses folder (the metadata file is written once the package is stored)
  const statusFolder = await until(
    async () => {
      const files = await listDir(join(aFolder, 'statuses'));
      return statuses.every((s) => files.includes(`${s['docId']}.json`)) ? files : undefined;
    },
    'twelve statuses in statuses/',
    10_000,
  );
  for (const who of [MINISTRY, COMMUNE_B]) {
    const mine = statuses.filter((s) => s['from'] === who);
    assert.deepEqual(mine.map((s) => s['statusCode']).sort(), CODES, `${who}: 01…06, once each`);
    for (const s of mine) {
      assert.equal(s['responseForDocId'], sentDocId, `${who}: about the package as the sender knows it`);
      assert.equal(s['signature'].status, 'valid', JSON.stringify(s['signature']));
      assert.equal(s['signature'].signer.agencyCode, who);
      assert.ok(statusFolder.includes(`${s['docId']}.json`), `${who} ${s['statusCode']}: in statuses/`);
    }
    // in order: by the time the sender's gateway received them (millisecond ties allowed)
    const byCode = [...mine].sort((x, y) => String(x['statusCode']).localeCompare(String(y['statusCode'])));
    const times = byCode.map((s) => String(s['receivedAt']));
    assert.deepEqual(times, [...times].sort(), `${who}: received in the order 01…06`);
  }
});

test('after the hubs stop, the timeline at every hub shows each hop', async () => {
  assert.ok(sentDocId, 'the first test sent the package');
  for (const g of gateways.values()) await g.close();
  gateways.clear();
  for (const n of nodes.values()) await stopNode(n);
  const open = (id: string) =>
    createHub(
      loadConfig({
        env: {},
        overrides: { dataDir: node(id).dataDir, hubId: id, intake: { workers: 0 }, log: { level: 'silent' } },
      }),
      { logger: pino({ level: 'silent' }) },
    );
  const a = await open(HUB_A);
  const n = await open(NATIONAL);
  const b = await open(HUB_B);
  try {
    // hub A: from the commune; forwarded to the national hub for both recipients; 01…06 back from each
    const ta = await a.timeline(admin, sentDocId);
    assert.deepEqual(
      ta.traces.map((t) => t.organId),
      [COMMUNE_A, HUB_A],
    );
    assert.equal(ta.signature?.status, 'valid', JSON.stringify(ta.signature));
    assert.deepEqual(ta.recipients.map((r) => r.code).sort(), [MINISTRY, COMMUNE_B].sort());
    for (const r of ta.recipients) {
      const kinds = r.events.map((e) => e.kind);
      assert.deepEqual(kinds.slice(0, 2), ['forwarding', 'forwarded'], `hub A → ${r.code}: ${kinds.join(',')}`);
      assert.equal(r.state, 'done', `hub A → ${r.code}: transport state`);
      assert.deepEqual(
        r.statuses.map((s) => s.statusCode),
        CODES,
        `hub A → ${r.code}: statuses once each, in order`,
      );
    }
    // the national hub: received from A; the ministry (its own) fetched and acknowledged it through its
    // gateway; commune B's copy forwarded on to hub B
    const nDocId = await inboundCopy(n, HUB_A, sentDocId);
    const tn = await n.timeline(admin, nDocId);
    assert.deepEqual(
      tn.traces.map((t) => t.organId),
      [COMMUNE_A, HUB_A, NATIONAL],
    );
    const toMinistry = tn.recipients.find((r) => r.code === MINISTRY)!;
    const mk = toMinistry.events.map((e) => e.kind);
    for (const k of ['fetched', 'ack-done']) assert.ok(mk.includes(k), `national → ministry: ${k} in ${mk.join(',')}`);
    assert.deepEqual(
      toMinistry.statuses.map((s) => s.statusCode),
      CODES,
    );
    assert.equal(nDocId, localDocIds.get(MINISTRY), "the ministry's gateway holds the national hub's copy");
    const toB = tn.recipients.find((r) => r.code === COMMUNE_B)!;
    assert.deepEqual(
      toB.events.filter((e) => e.kind !== 'status').map((e) => e.kind),
      ['forwarding', 'forwarded', 'fetched', 'ack-done'],
    );
    // hub B: received from the national hub; commune B fetched and acknowledged it through its gateway
    const bDocId = await inboundCopy(b, NATIONAL, nDocId);
    assert.equal(bDocId, localDocIds.get(COMMUNE_B), "commune B's gateway holds hub B's copy");
    const tb = await b.timeline(admin, bDocId);
    assert.deepEqual(
      tb.traces.map((t) => t.organId),
      [COMMUNE_A, HUB_A, NATIONAL, HUB_B],
    );
    const atB = tb.recipients.find((r) => r.code === COMMUNE_B)!;
    const bk = atB.events.map((e) => e.kind);
    for (const k of ['fetched', 'ack-done']) assert.ok(bk.includes(k), `hub B → commune B: ${k} in ${bk.join(',')}`);
    assert.deepEqual(
      atB.statuses.map((s) => s.statusCode),
      CODES,
    );
  } finally {
    await a.close();
    await n.close();
    await b.close();
  }
});

async function inboundCopy(hub: Awaited<ReturnType<typeof createHub>>, from: string, remoteDocId: string) {
  const store = (
    hub as unknown as { ctx: { store: { findInbound(p: string, r: string): Promise<string | undefined> } } }
  ).ctx.store;
  const id = await store.findInbound(from, remoteDocId);
  assert.ok(id, `${remoteDocId} from ${from} is at this hub`);
  return id;
}
