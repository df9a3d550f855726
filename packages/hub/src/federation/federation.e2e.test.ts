// Three `lienthong-hub` processes on loopback: a national hub and two provincial hubs (A and B), each
// on its own SQLite data directory, linked through TCP proxies that the test can cut. Agencies use the
// /v1 SDK only. 1) A commune of province A sends one package to a ministry (served by the national hub)
// and to a commune of province B; both receive it; statuses 01…06 from both reach the sender; after the
// hubs stop, the timeline at every hub shows each hop. 2) The same flow with the A↔national link cut
// for part of the run and hub B killed (SIGKILL) and restarted mid-flow: after recovery every package
// and every status arrived exactly once, in order.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LienthongClient } from '@lienthong/client';
import type { StatusCode } from '@lienthong/edxml';
import pino from 'pino';
import { loadConfig } from '../config/load-config.js';
import type { Principal } from '../core/contract.js';
import { createHub } from '../core/create-hub.js';
import { documentPackage } from '../core/hub-test-support.js';
import { eventually, LinkProxy, prepareHubDir } from './federation-test-support.js';

const NATIONAL = 'hub.national';
const HUB_A = 'hub.province-a';
const HUB_B = 'hub.province-b';
const MINISTRY = '000.00.00.G22';
const COMMUNE_A = '000.00.31.H53';
const COMMUNE_B = '000.00.32.H41';
const CODES: StatusCode[] = ['01', '02', '03', '04', '05', '06'];
const admin: Principal = { systemId: 'admin', via: 'admin' };

interface Node {
  id: string;
  dataDir: string;
  pub: string;
  /** what the other hubs dial to reach this one */
  proxy: LinkProxy;
  child?: ChildProcess;
  url?: string;
  log: string[];
}

const nodes = new Map<string, Node>();
const node = (id: string) => nodes.get(id)!;
const keys = new Map<string, string>();
const client = (code: string, hub: string) => new LienthongClient({ url: node(hub).url!, apiKey: keys.get(code)! });

function hubMain(): string[] {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const isSource = !main.includes('/dist/');
  return isSource ? ['--conditions=lienthong-source', '--import', 'tsx', main.replace(/\.js$/, '.ts')] : [main];
}

function peer(id: string) {
  return { hubId: id, url: node(id).proxy.url, certificate: node(id).pub };
}

async function startNode(n: Node): Promise<void> {
  const federation =
    n.id === NATIONAL
      ? { LIENTHONG_FEDERATION_CHILDREN: JSON.stringify([peer(HUB_A), peer(HUB_B)]) }
      : {
          LIENTHONG_FEDERATION_PARENT: JSON.stringify(peer(NATIONAL)),
        };
  const child = spawn(
    process.execPath,
    [...hubMain(), '--data-dir', n.dataDir, '--hub-id', n.id, '--host', '127.0.0.1', '--port', '0'],
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
  // known at once, so that after() kills it whatever happens during start-up
  n.child = child;
  let out = '';
  child.stderr!.on('data', (c: Buffer) => n.log.push(c.toString()));
  n.url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      n.log.push(c.toString());
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${n.id} exited (${code}) during start-up: ${n.log.join('')}`)));
  });
  n.proxy.targetPort = Number(new URL(n.url).port);
}

async function stopNode(n: Node, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const child = n.child;
  if (!child || child.exitCode !== null) return;
  n.proxy.targetPort = 0;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
  n.child = undefined;
}

/** every edoc in the inbox (any state), oldest first */
async function allEdocs(c: LienthongClient) {
  return (await c.inbox({ type: 'edoc', state: ['pending', 'processing', 'done', 'fail'], limit: 100 })).items;
}

before(async () => {
  for (const id of [NATIONAL, HUB_A, HUB_B]) {
    const { dataDir, publicKeyFile } = await prepareHubDir(`lt-fed-e2e-${id}-`);
    nodes.set(id, { id, dataDir, pub: publicKeyFile, proxy: await new LinkProxy().start(), log: [] });
  }
  // each hub's own agencies, registered on its data directory before it starts
  const agencies: Array<[string, string, string]> = [
    [NATIONAL, MINISTRY, 'Bộ Nội vụ'],
    [HUB_A, COMMUNE_A, 'UBND xã A, tỉnh A'],
    [HUB_B, COMMUNE_B, 'UBND xã B, tỉnh B'],
  ];
  for (const [hubId, code, name] of agencies) {
    const config = loadConfig({ env: {}, overrides: { dataDir: node(hubId).dataDir, hubId, intake: { workers: 0 } } });
    const hub = await createHub(config, { logger: pino({ level: 'silent' }) });
    keys.set(code, (await hub.addAgency({ code, name })).credentials.apiKey);
    await hub.close();
  }
  await Promise.all([...nodes.values()].map((n) => startNode(n)));
  // directories converge: the provincial hubs learn the ministry and the other province's commune
  await eventually(
    'every hub knows every agency',
    async () => {
      for (const [hubId, code] of [
        [HUB_A, COMMUNE_A],
        [HUB_B, COMMUNE_B],
        [NATIONAL, MINISTRY],
      ] as const) {
        const known = (await client(code, hubId).agencies()).map((a) => a.code);
        if (![MINISTRY, COMMUNE_A, COMMUNE_B].every((c) => known.includes(c))) return false;
      }
      return true;
    },
    30_000,
    200,
  );
});

after(async () => {
  for (const n of nodes.values()) {
    await stopNode(n, 'SIGKILL').catch(() => undefined);
    await n.proxy.close();
    await rm(n.dataDir, { recursive: true, force: true });
  }
});

/** recipients read, acknowledge and answer 01…06 for every package of `documentIds` they have */
async function recipientsWork(documentIds: string[]): Promise<void> {
  for (const [code, hubId] of [
    [MINISTRY, NATIONAL],
    [COMMUNE_B, HUB_B],
  ] as const) {
    const c = client(code, hubId);
    const items = await eventually(
      `${code} has all ${documentIds.length} packages`,
      async () => {
        const mine = (await allEdocs(c)).filter((i) => documentIds.includes(i.documentId!));
        return mine.length >= documentIds.length ? mine : undefined;
      },
      90_000,
      200,
    );
    // exactly once each, in the order they were sent
    assert.deepEqual(
      items.map((i) => i.documentId),
      documentIds,
      `${code} received each package once, in order`,
    );
    for (const item of items) {
      const stream = await c.download(item.docId);
      for await (const _ of stream) {
        // read it all
      }
      await c.ack(item.docId, 'done');
      for (const code of CODES) await retrying(() => c.sendStatus(item.docId, code));
    }
  }
}

/** a call retried while a hub is restarting (the SDK retries idempotent calls only) */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** waits for every status of `sent` at the sender and checks each arrived once, in order */
async function senderGetsStatuses(sent: Array<{ docId: string; documentId: string }>): Promise<void> {
  const a = client(COMMUNE_A, HUB_A);
  const expected = sent.length * 2 * CODES.length;
  const statuses = await eventually(
    `${expected} statuses at the sender`,
    async () => {
      const items = [];
      for await (const page of a.iterateInbox({
        type: 'status',
        state: ['pending', 'processing', 'done', 'fail'],
        limit: 500,
      })) {
        items.push(...page.items);
      }
      const mine = items.filter((i) => sent.some((s) => s.docId === i.responseForDocId));
      return mine.length >= expected ? mine : undefined;
    },
    90_000,
    250,
  );
  assert.equal(statuses.length, expected, 'no status arrived twice');
  for (const s of sent) {
    const t = await a.timeline(s.docId);
    assert.equal(t.recipients.length, 2);
    for (const r of t.recipients) {
      assert.equal(r.state, 'done', `${s.documentId} → ${r.code}: transport state`);
      assert.deepEqual(
        r.statuses.map((x) => x.statusCode),
        CODES,
        `${s.documentId} → ${r.code}: statuses once each, in order`,
      );
      const kinds = r.events.map((e) => e.kind);
      for (const k of ['accepted', 'forwarding', 'forwarded', 'fetched', 'ack-done', 'status']) {
        if (k === 'accepted') continue; // a document-level event
        assert.ok(kinds.includes(k), `${s.documentId} → ${r.code}: ${k} in ${kinds.join(',')}`);
      }
      assert.equal(kinds.filter((k) => k === 'fetched').length, 1, 'fetched once');
      assert.equal(kinds.filter((k) => k === 'ack-done').length, 1, 'acknowledged once');
    }
    // the statuses arrived in order: by the sender's inbox order, per recipient
    for (const who of [MINISTRY, COMMUNE_B]) {
      const order = statuses.filter((x) => x.responseForDocId === s.docId && x.from === who).map((x) => x.statusCode);
      assert.deepEqual(order, CODES, `statuses of ${who} about ${s.documentId} in the sender's inbox, in order`);
    }
  }
}

async function send(documentIds: string[], sent: Array<{ docId: string; documentId: string }>): Promise<void> {
  const a = client(COMMUNE_A, HUB_A);
  const bytes = await documentPackage(COMMUNE_A, [MINISTRY, COMMUNE_B]);
  const result = await a.submit(bytes);
  const documentId = /<(?:\w+:)?DocumentId>([^<]+)</.exec(bytes.toString('utf8'))![1]!;
  documentIds.push(documentId);
  sent.push({ docId: result.docId, documentId });
}

test('a commune of province A writes to a ministry and a commune of province B across three hubs; statuses 01…06 come back', async () => {
  const documentIds: string[] = [];
  const sent: Array<{ docId: string; documentId: string }> = [];
  await send(documentIds, sent);
  await recipientsWork(documentIds);
  await senderGetsStatuses(sent);
});

test('the A↔national link cut and hub B killed mid-flow: every package and status arrives once, in order', async () => {
  const documentIds: string[] = [];
  const sent: Array<{ docId: string; documentId: string }> = [];
  const linkA = node(HUB_A).proxy;
  const linkN = node(NATIONAL).proxy;
  // the link goes down both ways; the sender keeps sending (hub A accepts and queues)
  linkA.cut();
  linkN.cut();
  for (let i = 0; i < 2; i++) await send(documentIds, sent);
  const a = client(COMMUNE_A, HUB_A);
  const waiting = await a.timeline(sent[0]!.docId);
  assert.deepEqual(
    waiting.recipients.map((r) => r.state),
    ['forwarding', 'forwarding'],
  );
  // hub B dies (SIGKILL) while the link comes back: the national hub queues for B and retries
  await stopNode(node(HUB_B), 'SIGKILL');
  linkA.restore();
  linkN.restore();
  await send(documentIds, sent);
  await eventually('the ministry has the first packages', async () =>
    (await allEdocs(client(MINISTRY, NATIONAL))).some((i) => i.documentId === documentIds[0]),
  );
  await startNode(node(HUB_B));
  await recipientsWork(documentIds);
  // statuses travel back while the A↔national link goes down once more, briefly
  linkA.cut();
  linkN.cut();
  await new Promise((r) => setTimeout(r, 1500));
  linkA.restore();
  linkN.restore();
  await senderGetsStatuses(sent);
});

test('after the hubs stop, the timeline at every hub shows each hop', async () => {
  for (const n of nodes.values()) await stopNode(n);
  const open = async (id: string) => {
    const config = loadConfig({ env: {}, overrides: { dataDir: node(id).dataDir, hubId: id, intake: { workers: 0 } } });
    return createHub(config, { logger: pino({ level: 'silent' }) });
  };
  const a = await open(HUB_A);
  const n = await open(NATIONAL);
  const b = await open(HUB_B);
  try {
    const sentAtA = (await a.sent({ systemId: COMMUNE_A, via: 'api-key' }, { messageType: 'edoc', limit: 100 })).items;
    assert.equal(sentAtA.length, 4, 'one package in the first test, three in the second');
    for (const s of sentAtA) {
      const ta = await a.timeline(admin, s.docId);
      assert.deepEqual(
        ta.traces.map((t) => t.organId),
        [COMMUNE_A, HUB_A],
      );
      for (const r of ta.recipients) {
        const kinds = r.events.map((e) => e.kind);
        assert.deepEqual(kinds.slice(0, 2), ['forwarding', 'forwarded'], `hub A, ${r.code}`);
      }
      // the national hub: received from A; the ministry is its own, commune B forwarded on to hub B
      const nDocId = await nationalCopy(n, s.docId);
      const tn = await n.timeline(admin, nDocId);
      assert.deepEqual(
        tn.traces.map((t) => t.organId),
        [COMMUNE_A, HUB_A, NATIONAL],
      );
      const toB = tn.recipients.find((r) => r.code === COMMUNE_B)!;
      assert.deepEqual(
        toB.events.filter((e) => e.kind !== 'status').map((e) => e.kind),
        ['forwarding', 'forwarded', 'fetched', 'ack-done'],
      );
      const bDocId = await inboundCopy(b, NATIONAL, nDocId);
      const tb = await b.timeline(admin, bDocId);
      assert.deepEqual(
        tb.traces.map((t) => t.organId),
        [COMMUNE_A, HUB_A, NATIONAL, HUB_B],
      );
      assert.deepEqual(
        tb.recipients.map((r) => r.code),
        [COMMUNE_B],
      );
    }
  } finally {
    await a.close();
    await n.close();
    await b.close();
  }
});

async function nationalCopy(hub: Awaited<ReturnType<typeof createHub>>, docIdAtA: string): Promise<string> {
  return inboundCopy(hub, HUB_A, docIdAtA);
}

async function inboundCopy(hub: Awaited<ReturnType<typeof createHub>>, peer: string, remoteDocId: string) {
  const store = (
    hub as unknown as { ctx: { store: { findInbound(p: string, r: string): Promise<string | undefined> } } }
  ).ctx.store;
  const id = await store.findInbound(peer, remoteDocId);
  assert.ok(id, `${remoteDocId} from ${peer} is at this hub`);
  return id;
}
