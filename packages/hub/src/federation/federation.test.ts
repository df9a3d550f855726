// Three hubs in this process, linked over loopback (through TCP proxies): a national hub and two
// provincial hubs. Directory exchange, a package from a commune of province A to a ministry and to a
// commune of province B, transport acknowledgements and business statuses back, trace headers of
// every hop, idempotent retries, loop refusal and link authentication.

import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { parseEdxml } from '@lienthong/edxml';
import { loadConfig } from '../config/load-config.js';
import type { Principal } from '../core/contract.js';
import { as, body, collectStream, documentPackage, statusPackage } from '../core/hub-test-support.js';
import type { LienthongHub } from '../core/lienthong-hub.js';
import { type StartedHub, startHub } from '../server.js';
import { eventually, LinkProxy, prepareHubDir } from './federation-test-support.js';
import { sha256Hex } from './link-auth.js';
import { linkRequest } from './link-client.js';
import { loadLinkIdentity, loadPeerKey } from './link-key.js';

const NATIONAL = 'hub.national';
const HUB_A = 'hub.province-a';
const HUB_B = 'hub.province-b';
const MINISTRY = '000.00.00.G22';
const COMMUNE_A = '000.00.31.H53';
const COMMUNE_B = '000.00.32.H41';
const admin: Principal = { systemId: 'admin', via: 'admin' };

interface Node {
  id: string;
  dataDir: string;
  pub: string;
  proxy: LinkProxy;
  started?: StartedHub;
}

const nodes = new Map<string, Node>();
const node = (id: string) => nodes.get(id)!;
const hubOf = (id: string) => node(id).started!.hub as unknown as LienthongHub;

async function start(n: Node): Promise<void> {
  const peer = (id: string) => ({ hubId: id, url: node(id).proxy.url, certificate: node(id).pub });
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: n.dataDir,
      listen: { host: '127.0.0.1', port: 0 },
      hubId: n.id,
      demo: false,
      log: { level: 'silent', pretty: false },
      shutdownGraceSeconds: 1,
      intake: { workers: 0 },
      federation:
        n.id === NATIONAL
          ? { children: [peer(HUB_A), peer(HUB_B)], syncIntervalSeconds: 1, retryBaseMs: 50, retryMaxMs: 500 }
          : { parent: peer(NATIONAL), children: [], syncIntervalSeconds: 1, retryBaseMs: 50, retryMaxMs: 500 },
    },
  });
  n.started = await startHub(config, { installSignalHandlers: false });
  n.proxy.targetPort = Number(new URL(n.started.url).port);
}

before(async () => {
  for (const id of [NATIONAL, HUB_A, HUB_B]) {
    const { dataDir, publicKeyFile } = await prepareHubDir(`lt-fed-${id}-`);
    nodes.set(id, { id, dataDir, pub: publicKeyFile, proxy: await new LinkProxy().start() });
  }
  for (const n of nodes.values()) await start(n);
  await hubOf(NATIONAL).addAgency({ code: MINISTRY, name: 'Bộ Nội vụ' });
  await hubOf(HUB_A).addAgency({ code: COMMUNE_A, name: 'UBND xã A' });
  await hubOf(HUB_B).addAgency({ code: COMMUNE_B, name: 'UBND xã B' });
});

after(async () => {
  for (const n of nodes.values()) {
    await n.started?.close();
    await n.proxy.close();
    await rm(n.dataDir, { recursive: true, force: true });
  }
});

describe('federation between three hubs', () => {
  test('directories converge: every hub knows every agency and which hub serves it', async () => {
    for (const id of [HUB_A, HUB_B, NATIONAL]) {
      await eventually(`${id} knows all three agencies`, async () => {
        await hubOf(id).federation!.syncNow();
        const codes = (await hubOf(id).listAgencies()).map((a) => a.code);
        return [MINISTRY, COMMUNE_A, COMMUNE_B].every((c) => codes.includes(c));
      });
    }
    // a provincial hub reaches everything outside its province through the national hub
    const views = await hubOf(HUB_A).federation!.links();
    assert.equal(views.length, 1);
    assert.equal(views[0]!.hubId, NATIONAL);
    assert.ok(views[0]!.directoryCursor > 0);
  });

  let docId = '';
  let documentId = '';

  test('a commune of province A writes to a ministry and to a commune of province B', async () => {
    const bytes = await documentPackage(COMMUNE_A, [MINISTRY, COMMUNE_B]);
    documentId = await docIdOf(bytes);
    const result = await hubOf(HUB_A).submit({ principal: as(COMMUNE_A), body: body(bytes), messageType: 'edoc' });
    docId = result.docId;
    assert.deepEqual([...result.recipients].sort(), [MINISTRY, COMMUNE_B].sort());

    const ministryItem = await eventually('the ministry has it at the national hub', async () => {
      const page = await hubOf(NATIONAL).inbox(as(MINISTRY), { messageType: 'edoc' });
      return page.items[0];
    });
    const communeItem = await eventually('commune B has it at hub B', async () => {
      const page = await hubOf(HUB_B).inbox(as(COMMUNE_B), { messageType: 'edoc' });
      return page.items[0];
    });
    assert.equal(ministryItem.from, COMMUNE_A);
    assert.equal(communeItem.from, COMMUNE_A);
    assert.equal(ministryItem.documentId, documentId);

    // what commune B reads carries the TraceHeader of every hop: the sender, hub A, national, hub B
    const pkg = await hubOf(HUB_B).openPackage(as(COMMUNE_B), communeItem.docId);
    const xml = await collectStream(pkg.stream);
    const parsed = (await parseEdxml(body(xml))).package;
    assert.equal(parsed.kind, 'document');
    if (parsed.kind === 'document') {
      assert.deepEqual(
        parsed.traces.map((t) => t.organId),
        [COMMUNE_A, HUB_A, NATIONAL, HUB_B],
      );
    }
    await hubOf(HUB_B).acknowledge(as(COMMUNE_B), communeItem.docId, 'done');
    await hubOf(NATIONAL)
      .openPackage(as(MINISTRY), ministryItem.docId)
      .then((p) => collectStream(p.stream));
    await hubOf(NATIONAL).acknowledge(as(MINISTRY), ministryItem.docId, 'done');

    // the package crossed the national → B link once, and the A → national link once
    const outA = await hubOf(HUB_A).federation!.links();
    assert.equal(outA[0]!.sent, 1);

    // transport acknowledgements reach the origin
    await eventually('both deliveries are done at hub A', async () => {
      const t = await hubOf(HUB_A).timeline(as(COMMUNE_A), docId);
      return t.recipients.every((r) => r.state === 'done') && t.recipients.length === 2;
    });
  });

  test('statuses 01…06 from both recipients reach the sender, in order', async () => {
    for (const code of ['01', '02', '03', '04', '05', '06'] as const) {
      await hubOf(HUB_B).submit({
        principal: as(COMMUNE_B),
        body: body(statusPackage(COMMUNE_B, COMMUNE_A, documentId, code)),
        messageType: 'status',
      });
      await hubOf(NATIONAL).submit({
        principal: as(MINISTRY),
        body: body(statusPackage(MINISTRY, COMMUNE_A, documentId, code)),
        messageType: 'status',
      });
    }
    const t = await eventually('all twelve statuses at hub A', async () => {
      const t = await hubOf(HUB_A).timeline(as(COMMUNE_A), docId);
      return t.recipients.every((r) => r.statuses.length === 6) ? t : undefined;
    });
    for (const r of t.recipients) {
      assert.deepEqual(
        r.statuses.map((s) => s.statusCode),
        ['01', '02', '03', '04', '05', '06'],
        `statuses of ${r.code}`,
      );
      const kinds = r.events.map((e) => e.kind);
      for (const k of ['forwarding', 'forwarded', 'fetched', 'ack-done', 'status'])
        assert.ok(kinds.includes(k), `${r.code}: ${k}`);
    }
    // the sender's inbox holds the twelve status packages, each once
    const statuses = await hubOf(HUB_A).inbox(as(COMMUNE_A), { messageType: 'status', limit: 100 });
    assert.equal(statuses.items.length, 12);

    // the national hub's timeline of its copy shows the hop it made: received from A, forwarded to B
    const nationalDocId = await hubOf(NATIONAL).federation!.findInbound(HUB_A, docId);
    assert.ok(nationalDocId);
    const tn = await hubOf(NATIONAL).timeline(admin, nationalDocId);
    assert.deepEqual(
      tn.traces.map((x) => x.organId),
      [COMMUNE_A, HUB_A, NATIONAL],
    );
    const nb = tn.recipients.find((r) => r.code === COMMUNE_B)!;
    assert.deepEqual(
      nb.events.filter((e) => e.kind !== 'status').map((e) => e.kind),
      ['forwarding', 'forwarded', 'fetched', 'ack-done'],
    );
    const nm = tn.recipients.find((r) => r.code === MINISTRY)!;
    assert.deepEqual(
      nm.events.filter((e) => e.kind !== 'status').map((e) => e.kind),
      ['fetched', 'ack-done'],
    );
    // and hub B's copy: received from the national hub, read and acknowledged there
    const bDocId = await hubOf(HUB_B).federation!.findInbound(NATIONAL, nationalDocId);
    assert.ok(bDocId);
    const tb = await hubOf(HUB_B).timeline(admin, bDocId);
    assert.deepEqual(
      tb.traces.map((x) => x.organId),
      [COMMUNE_A, HUB_A, NATIONAL, HUB_B],
    );
  });

  test('links view and metrics: queue depth and oldest waiting while a link is down, then last success', async (t) => {
    const a = hubOf(HUB_A);
    node(NATIONAL).proxy.cut();
    // whatever happens here, the link is back for the next tests
    t.after(() => node(NATIONAL).proxy.restore());
    const bytes = await documentPackage(COMMUNE_A, [MINISTRY]);
    const { docId: queued } = await a.submit({ principal: as(COMMUNE_A), body: body(bytes), messageType: 'edoc' });
    const down = await eventually('a failed attempt over the cut link', async () => {
      const [v] = await a.federationLinks();
      return v && v.failures > 0 ? v : undefined;
    });
    assert.equal(down.hubId, NATIONAL);
    assert.equal(down.role, 'parent');
    assert.equal(down.queueDepth, 1);
    assert.ok(down.oldestWaitingAt && down.oldestWaitingAt.getTime() <= Date.now());
    assert.ok(down.errorRate > 0);
    assert.ok(down.lastError, 'the last error is shown');
    const tl = await a.timeline(as(COMMUNE_A), queued);
    assert.equal(tl.recipients[0]!.state, 'forwarding');

    // the attempt's outcome is counted once the forwarder is done with it, a moment after the store shows it
    const metrics = await eventually('the failed attempt counted in /metrics', async () => {
      const text = await (await fetch(`${node(HUB_A).started!.url}/metrics`)).text();
      return /lienthong_link_attempts_total\{peer="hub.national",outcome="retry"\} [1-9]/.test(text) ? text : undefined;
    });
    assert.match(metrics, /lienthong_link_queue_depth\{peer="hub.national"\} 1/);
    assert.match(metrics, /lienthong_link_attempts_total\{peer="hub.national",outcome="retry"\} [1-9]/);

    node(NATIONAL).proxy.restore();
    const up = await eventually('the queue drained', async () => {
      const [v] = await a.federationLinks();
      return v && v.queueDepth === 0 ? v : undefined;
    });
    assert.ok(up.lastSuccessAt && up.lastSuccessAt.getTime() > down.oldestWaitingAt!.getTime());
    assert.equal(up.oldestWaitingAt, undefined);
    const after = await (await fetch(`${node(HUB_A).started!.url}/metrics`)).text();
    assert.match(after, /lienthong_link_queue_depth\{peer="hub.national"\} 0/);
    assert.match(after, /lienthong_link_last_success_timestamp_seconds\{peer="hub.national"\} \d+/);
    await eventually('the ministry has it', async () =>
      (await hubOf(NATIONAL).inbox(as(MINISTRY), { messageType: 'edoc' })).items.find(
        (i) => i.documentId === undefined || true,
      ),
    );
  });

  test('a revoke follows the package to the other hubs and takes back the copies not read there', async () => {
    const a = hubOf(HUB_A);
    const original = await documentPackage(COMMUNE_A, [MINISTRY, COMMUNE_B]);
    const originalId = await docIdOf(original);
    await a.submit({ principal: as(COMMUNE_A), body: body(original), messageType: 'edoc' });
    const has = (hub: string, code: string) => async () =>
      (await hubOf(hub).inbox(as(code), { messageType: 'edoc' })).items.some((i) => i.documentId === originalId);
    await eventually('the ministry has it', has(NATIONAL, MINISTRY));
    await eventually('commune B has it', has(HUB_B, COMMUNE_B));
    const revoke = await documentPackage(COMMUNE_A, [MINISTRY, COMMUNE_B], {
      business: { docType: 1, documentId: originalId },
    });
    const r = await a.submit({ principal: as(COMMUNE_A), body: body(revoke), messageType: 'edoc' });
    assert.deepEqual([...r.recipients].sort(), [MINISTRY, COMMUNE_B].sort());
    await eventually('the ministry no longer has it', async () => !(await has(NATIONAL, MINISTRY)()));
    await eventually('commune B no longer has it', async () => !(await has(HUB_B, COMMUNE_B)()));
  });

  test('an agency added at A that writes at once waits for the national hub to learn it, then arrives', async () => {
    const a = hubOf(HUB_A);
    const fresh = '000.00.33.H53';
    await a.addAgency({ code: fresh, name: 'UBND xã mới' });
    const bytes = await documentPackage(fresh, [MINISTRY]);
    const freshId = await docIdOf(bytes);
    await a.submit({ principal: as(fresh), body: body(bytes), messageType: 'edoc' });
    await eventually('the ministry has it', async () =>
      (await hubOf(NATIONAL).inbox(as(MINISTRY), { messageType: 'edoc' })).items.some((i) => i.documentId === freshId),
    );
    const [view] = await a.federationLinks();
    assert.equal(view!.dead, 0, 'not refused for good');
  });

  test('a package the next hub refuses for good is dead at the sender: delivery failed, event, audit, links view', async () => {
    const a = hubOf(HUB_A);
    const store = (a as unknown as { ctx: { store: import('../store/store.js').Store } }).ctx.store;
    // an agency hub A believes is behind the national hub, which has never heard of it
    const ghost = '000.00.99.H99';
    await store.transaction((tx) =>
      tx.upsertRemoteAgency(
        { code: ghost, name: 'ghost', level: 3, enabled: true, deleted: false, servedBy: 'hub.ghost', via: NATIONAL },
        new Date(),
      ),
    );
    const bytes = await documentPackage(COMMUNE_A, [ghost]);
    const { docId: refused } = await a.submit({ principal: as(COMMUNE_A), body: body(bytes), messageType: 'edoc' });
    const tl = await eventually('the delivery failed', async () => {
      const t = await a.timeline(as(COMMUNE_A), refused);
      return t.recipients[0]!.state === 'fail' ? t : undefined;
    });
    const r = tl.recipients[0]!;
    assert.match(r.events.at(-1)!.detail ?? '', /hub hub.national: 422 unknown-recipient/);
    assert.equal(r.events.at(-1)!.kind, 'forward-failed');
    const [view] = await a.federationLinks();
    assert.equal(view!.dead, 1);
    assert.equal(view!.queueDepth, 0, 'the queue moved on');
    const audit = await a.listAudit(0, 10_000);
    assert.ok(audit.some((e) => e.action === 'federation-dead' && e.subject === refused && e.outcome === 'refused'));
  });

  test('a retried forward is recognised: the package is not stored twice', async () => {
    const identity = await loadLinkIdentity({ dataDir: node(HUB_A).dataDir, federation: {} } as never);
    const bytes = await documentPackage(COMMUNE_A, [MINISTRY]);
    const send = () =>
      linkRequest({
        baseUrl: node(NATIONAL).started!.url,
        from: HUB_A,
        to: NATIONAL,
        key: identity.privateKey,
        method: 'POST',
        path: '/federation/v1/packages',
        bodySha256: sha256Hex(bytes),
        meta: { docId: 'aaaaaaaaaaaaaaaaaaaaaaaa', messageType: 'edoc', recipients: [MINISTRY], path: [] },
        body: bytes,
      });
    const first = await send();
    assert.equal(first.status, 201, first.text);
    const second = await send();
    assert.equal(second.status, 200, second.text);
    assert.deepEqual(second.body, { docId: (first.body as { docId: string }).docId, duplicate: true });
  });

  test('a package that would visit a hub twice is refused as a loop', async () => {
    const identity = await loadLinkIdentity({ dataDir: node(HUB_A).dataDir, federation: {} } as never);
    const bytes = await documentPackage(COMMUNE_A, [MINISTRY]);
    const answer = await linkRequest({
      baseUrl: node(NATIONAL).started!.url,
      from: HUB_A,
      to: NATIONAL,
      key: identity.privateKey,
      method: 'POST',
      path: '/federation/v1/packages',
      bodySha256: sha256Hex(bytes),
      meta: { docId: 'bbbbbbbbbbbbbbbbbbbbbbbb', messageType: 'edoc', recipients: [MINISTRY], path: [NATIONAL] },
      body: bytes,
    });
    assert.equal(answer.status, 409, answer.text);
    assert.match(answer.text, /loop/);
  });

  test('unauthenticated, forged, replayed and misaddressed link requests are refused', async () => {
    const url = node(NATIONAL).started!.url;
    const plain = await fetch(`${url}/federation/v1/hello`);
    assert.equal(plain.status, 401);
    assert.match(await plain.text(), /x-lt-link-from is missing/);

    const real = await loadLinkIdentity({ dataDir: node(HUB_A).dataDir, federation: {} } as never);
    const hello = (key: KeyObject, from = HUB_A, to = NATIONAL) =>
      linkRequest({
        baseUrl: url,
        from,
        to,
        key,
        method: 'GET',
        path: '/federation/v1/hello',
        bodySha256: sha256Hex(''),
      });
    const ok = await hello(real.privateKey);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body, { hubId: NATIONAL, peer: HUB_A });
    // the answer is signed by the national hub's pinned key; another key does not verify it
    const pinned = await loadPeerKey(node(NATIONAL).pub);
    const signed = await linkRequest({
      baseUrl: url,
      from: HUB_A,
      to: NATIONAL,
      key: real.privateKey,
      method: 'GET',
      path: '/federation/v1/hello',
      bodySha256: sha256Hex(''),
      peerKey: pinned,
    });
    assert.equal(signed.status, 200);
    await assert.rejects(
      linkRequest({
        baseUrl: url,
        from: HUB_A,
        to: NATIONAL,
        key: real.privateKey,
        method: 'GET',
        path: '/federation/v1/hello',
        bodySha256: sha256Hex(''),
        peerKey: generateKeyPairSync('ed25519').publicKey,
      }),
      /not signed by hub hub.national's pinned key/,
    );

    const forged = await hello(generateKeyPairSync('ed25519').privateKey);
    assert.equal(forged.status, 401);
    assert.match(forged.text, /does not verify/);

    const unknown = await hello(real.privateKey, 'hub.elsewhere');
    assert.equal(unknown.status, 401);
    assert.match(unknown.text, /not linked/);

    const misaddressed = await hello(real.privateKey, HUB_A, HUB_B);
    assert.equal(misaddressed.status, 401);

    // the same signed request sent twice: the second is a replay
    const { signLinkRequest } = await import('./link-auth.js');
    const headers = signLinkRequest(real.privateKey, {
      from: HUB_A,
      to: NATIONAL,
      method: 'GET',
      path: '/federation/v1/hello',
      bodySha256: sha256Hex(''),
    });
    assert.equal((await fetch(`${url}/federation/v1/hello`, { headers })).status, 200);
    const replay = await fetch(`${url}/federation/v1/hello`, { headers });
    assert.equal(replay.status, 401);
    assert.match(await replay.text(), /replayed/);

    // an old timestamp
    const old = signLinkRequest(real.privateKey, {
      from: HUB_A,
      to: NATIONAL,
      method: 'GET',
      path: '/federation/v1/hello',
      bodySha256: sha256Hex(''),
      now: new Date(Date.now() - 3_600_000),
    });
    const stale = await fetch(`${url}/federation/v1/hello`, { headers: old });
    assert.equal(stale.status, 401);
    assert.match(await stale.text(), /outside the/);

    // link credentials do not open agency routes
    const inbox = await fetch(`${url}/v1/inbox`, { headers });
    assert.equal(inbox.status, 401);
  });
});

async function docIdOf(bytes: Buffer): Promise<string> {
  const p = (await parseEdxml(body(bytes))).package;
  if (p.kind !== 'document') throw new Error('not a document');
  return p.header.documentId;
}
