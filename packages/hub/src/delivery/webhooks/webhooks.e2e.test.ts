// Push delivery end to end: the real hub on loopback, a real receiver server, the SDK. A receiver that
// fails, then hangs past the timeout, then recovers gets every notification, and none again after its
// 2xx; acknowledged deliveries are never pushed; signatures verify with the SDK's helper (and fail with
// another secret); a notification past its horizon is a dead letter the operator retries; a restart of
// the hub on its data directory loses nothing; bad URLs are refused with a precise message.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type LienthongApiError,
  LienthongClient,
  verifyWebhookSignature,
  type WebhookNotification,
} from '@lienthong/client';
import type { HubConfig } from '../../config/hub-config.js';
import { type ConfigOverrides, loadConfig } from '../../config/load-config.js';
import { createLogger } from '../../observability/create-logger.js';
import { type StartedHub, startHub } from '../../server.js';
import { testHubDatabase } from '../../store/postgres/postgres-test-database.js';
import { sampleDocument } from '../../test-support/sample-packages.js';

const SENDER = '000.00.00.G22';
const RECEIVER = '000.00.00.H41';

type Mode = 'fail' | 'hang' | 'ok';

interface Received {
  id: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** what the receiver answered: a status, or 'hung' (never answered) */
  answer: number | 'hung';
  seq: number;
}

/** A webhook receiver on loopback whose behaviour the test switches. */
class Receiver {
  mode: Mode = 'ok';
  readonly received: Received[] = [];
  private readonly hung = new Set<ServerResponse>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const id = String(req.headers['x-lienthong-webhook-id'] ?? '');
        const mode = this.mode;
        const r: Received = { id, headers: req.headers, body, answer: 'hung', seq: this.received.length };
        this.received.push(r);
        if (mode === 'hang') {
          this.hung.add(res);
          res.on('close', () => this.hung.delete(res));
          return;
        }
        r.answer = mode === 'ok' ? 200 : 500;
        res.writeHead(r.answer, { 'content-type': 'text/plain' }).end(mode);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  acked(id: string): Received[] {
    return this.received.filter((r) => r.id === id && typeof r.answer === 'number' && r.answer < 300);
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `check` until it holds (each wait is bounded by the test's own timeout). */
async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`still waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const FAST: ConfigOverrides['webhooks'] = {
  timeoutMs: 300,
  initialDelayMs: 20,
  maxDelayMs: 100,
  horizonSeconds: 600,
  pollIntervalMs: 20,
  concurrency: 4,
};

interface Node {
  started: StartedHub;
  apiKey(code: string): string;
  config: HubConfig;
  client(code: string): LienthongClient;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function startNode(webhooks: ConfigOverrides['webhooks']): Promise<Node> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lt-webhooks-'));
  const database = await testHubDatabase();
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      ...(database ? { database: database.url } : {}),
      demo: true,
      shutdownGraceSeconds: 2,
      listen: { host: '127.0.0.1', port: 0 },
      log: { level: 'silent', pretty: false },
      webhooks,
    },
  });
  const open = () =>
    startHub(config, { logger: createLogger(config.log, process.stderr), installSignalHandlers: false });
  let started = await open();
  const demo = started.demo!;
  const node: Node = {
    get started() {
      return started;
    },
    config,
    apiKey(code) {
      const c = demo.all.find((x) => x.systemId === code);
      if (!c) throw new Error(`no demo credentials for ${code}`);
      return c.apiKey;
    },
    client(code) {
      return new LienthongClient({ url: started.url, apiKey: node.apiKey(code), retry: { attempts: 1 } });
    },
    async restart() {
      await started.close();
      started = await open();
    },
    async stop() {
      await started.close();
      await rm(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
  return node;
}

async function send(node: Node, subject: string): Promise<string> {
  const doc = await sampleDocument({ from: SENDER, to: [RECEIVER], subject });
  return (await node.client(SENDER).submit(doc.bytes)).docId;
}

describe('webhooks, end to end', () => {
  let node: Node;
  const receiver = new Receiver();
  let secret = '';

  before(async () => {
    await receiver.start();
    node = await startNode(FAST);
  });
  after(async () => {
    await node?.stop();
    await receiver.close();
  });

  test('registration: 201 with the secret once, then GET/PUT keep it hidden', async () => {
    const c = node.client(RECEIVER);
    await assert.rejects(c.webhook(), (e: LienthongApiError) => e.status === 404);
    const w = await c.setWebhook({ url: receiver.url, events: ['edoc'] });
    assert.ok(w.secret?.startsWith('whsec_'), 'the secret is shown at registration');
    secret = w.secret!;
    assert.equal(w.url, receiver.url);
    assert.deepEqual(w.events, ['edoc']);
    const again = await c.setWebhook({ url: receiver.url });
    assert.equal(again.secret, undefined, 'a change does not show (nor change) the secret');
    assert.deepEqual(again.events, ['edoc', 'status']);
    const got = await c.webhook();
    assert.equal(got.secret, undefined);
    assert.deepEqual(got.queue, { pending: 0, deadLetters: 0 });
    assert.ok(got.createdAt instanceof Date);
    const spec = (await (await fetch(`${node.started.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    assert.deepEqual(Object.keys(spec.paths['/v1/webhook'] ?? {}).sort(), ['delete', 'get', 'put']);
    assert.ok(spec.paths['/v1/webhook/rotate-secret']?.['post'], 'the routes are in the OpenAPI document');
  });

  test('a receiver that fails, times out, then recovers gets every notification, none again after its 2xx', async () => {
    receiver.mode = 'fail';
    const docIds = [await send(node, 'một'), await send(node, 'hai'), await send(node, 'ba')];
    const ids = () =>
      new Set(receiver.received.filter((r) => docIds.includes(JSON.parse(r.body).docId)).map((r) => r.id));
    await until(
      'every notification failed twice',
      () =>
        [...ids()].length === 3 && [...ids()].every((id) => receiver.received.filter((r) => r.id === id).length >= 2),
    );
    receiver.mode = 'hang';
    const before = receiver.received.length;
    await until('attempts hung past the timeout', () => receiver.received.length >= before + 3);
    receiver.mode = 'ok';
    await until('each acknowledged', () => [...ids()].every((id) => receiver.acked(id).length > 0));
    await node.started.hub.webhooksIdle();
    // more looks at the queue: nothing sent already goes out again
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, FAST!.pollIntervalMs! * 2));
      await node.started.hub.webhooksIdle();
    }
    const seen = [...ids()];
    assert.equal(seen.length, 3);
    for (const id of seen) {
      const calls = receiver.received.filter((r) => r.id === id);
      const acked = receiver.acked(id);
      assert.equal(acked.length, 1, `notification ${id} acknowledged once`);
      assert.equal(calls.at(-1), acked[0], `nothing sent for ${id} after its 2xx`);
      assert.ok(calls.length >= 3, 'failed, (maybe) hung, then succeeded');
    }
    assert.ok(
      receiver.received.some((r) => r.answer === 'hung'),
      'some attempts hung past the timeout',
    );
    const bodies = seen.map((id) => JSON.parse(receiver.acked(id)[0]!.body) as WebhookNotification);
    assert.deepEqual(bodies.map((b) => b.docId).sort(), [...docIds].sort());
    for (const b of bodies) {
      assert.equal(b.type, 'edoc');
      assert.equal(b.from, SENDER);
      assert.equal(b.to, RECEIVER);
      assert.equal(b.messageType, 'edoc');
      assert.ok(['một', 'hai', 'ba'].includes(b.subject ?? ''));
    }
    const sent = await node.started.hub.webhooks.listNotifications({ states: ['sent'] });
    assert.deepEqual(sent.map((n) => n.id).sort(), seen.sort());
    assert.ok(sent.every((n) => n.attempts >= 3 && n.lastStatus === 200));
    assert.deepEqual((await node.client(RECEIVER).webhook()).queue, { pending: 0, deadLetters: 0 });
  });

  test('signatures verify with the SDK helper, and fail with another secret or out of the window', async () => {
    const r = receiver.received.find((x) => x.answer === 200)!;
    const v = verifyWebhookSignature(secret, r.headers, r.body);
    assert.equal(v.ok, true, JSON.stringify(v));
    assert.equal(v.id, r.id);
    assert.equal(verifyWebhookSignature(`${secret}x`, r.headers, r.body).reason, 'bad-signature');
    assert.equal(verifyWebhookSignature(secret, r.headers, `${r.body} `).reason, 'bad-signature');
    const late = new Date((Number(r.headers['x-lienthong-timestamp']) + 301) * 1000);
    assert.equal(verifyWebhookSignature(secret, r.headers, r.body, 300, late).reason, 'stale');
    assert.equal(verifyWebhookSignature(secret, {}, r.body).reason, 'missing-header');
  });

  test('an acknowledged delivery is not pushed (skipped), nor is a status the webhook does not ask for', async () => {
    receiver.mode = 'fail';
    const docId = await send(node, 'đã nhận');
    const mine = () => receiver.received.filter((r) => JSON.parse(r.body).docId === docId);
    await until('a first failed attempt', () => mine().length >= 1);
    await node.client(RECEIVER).ack(docId, 'done');
    receiver.mode = 'ok';
    await until('skipped', async () =>
      (await node.started.hub.webhooks.listNotifications({ states: ['skipped'] })).some((n) => n.docId === docId),
    );
    await node.started.hub.webhooksIdle();
    assert.ok(
      mine().every((r) => r.answer !== 200),
      'never answered 2xx: it was never sent after the acknowledgement',
    );
    const [skipped] = (await node.started.hub.webhooks.listNotifications({ states: ['skipped'] })).filter(
      (n) => n.docId === docId,
    );
    assert.match(skipped!.lastError ?? '', /acknowledged \(done\)/);
  });

  test('statuses go to the sender’s webhook; a rotated secret signs from then on', async () => {
    receiver.mode = 'ok';
    const sender = node.client(SENDER);
    const w = await sender.setWebhook({ url: `${receiver.url}?who=sender`, events: ['status'] });
    const docId = await send(node, 'trạng thái');
    const rotated = await sender.rotateWebhookSecret();
    assert.ok(rotated.secret && rotated.secret !== w.secret);
    await node.client(RECEIVER).sendStatus(docId, '03', { description: 'Đã tiếp nhận' });
    let status: Received | undefined;
    await until('the status notification', () => {
      status = receiver.received.find((r) => {
        const b = JSON.parse(r.body) as WebhookNotification;
        return b.type === 'status' && b.responseForDocId === docId && r.answer === 200;
      });
      return status !== undefined;
    });
    const b = JSON.parse(status!.body) as WebhookNotification;
    assert.equal(b.to, SENDER);
    assert.equal(b.from, RECEIVER);
    assert.equal(b.statusCode, '03');
    assert.equal(verifyWebhookSignature(rotated.secret!, status!.headers, status!.body).ok, true);
    assert.equal(verifyWebhookSignature(w.secret!, status!.headers, status!.body).ok, false, 'the old secret is void');
    await sender.deleteWebhook();
    await assert.rejects(sender.webhook(), (e: LienthongApiError) => e.status === 404);
  });

  test('a restart of the hub on its data directory loses nothing', async () => {
    receiver.mode = 'fail';
    const docIds = [await send(node, 'trước khi dừng 1'), await send(node, 'trước khi dừng 2')];
    const ofDoc = (d: string) => receiver.received.filter((r) => JSON.parse(r.body).docId === d);
    await until('attempts before the restart', () => docIds.every((d) => ofDoc(d).length >= 1));
    await node.restart();
    receiver.mode = 'ok';
    await until('both acknowledged after the restart', () =>
      docIds.every((d) => ofDoc(d).some((r) => r.answer === 200)),
    );
    for (const d of docIds) {
      const ids = new Set(ofDoc(d).map((r) => r.id));
      assert.equal(ids.size, 1, 'the same notification before and after the restart');
      assert.equal(ofDoc(d).filter((r) => r.answer === 200).length, 1);
    }
  });

  test('hostile registrations: 400 naming the field and the rule', async () => {
    const c = node.client(RECEIVER);
    const refused = async (body: unknown, pattern: RegExp) => {
      const res = await fetch(`${node.started.url}/v1/webhook`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${node.apiKey(RECEIVER)}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${text}`);
      assert.match(JSON.parse(text).error.message, pattern);
    };
    await refused({ url: 'ftp://example.gov.vn/hook' }, /url: the scheme "ftp" is not allowed/);
    await refused({ url: 'http://user:pw@example.gov.vn/hook' }, /url: must not carry credentials/);
    await refused({ url: 'not a url' }, /url: .* is not an absolute URL|whitespace/);
    await refused({ url: '/relative/hook' }, /is not an absolute URL/);
    await refused({ url: 'http://example.gov.vn/hook#x' }, /url: must not have a fragment/);
    await refused({ url: `http://example.gov.vn/${'a'.repeat(2100)}` }, /url: is 2\d{3} characters long, at most 2048/);
    await refused({ url: 'javascript:alert(1)' }, /scheme "javascript" is not allowed/);
    await refused({ url: 'http://example.gov.vn/', events: ['edoc', 'fax'] }, /events/);
    await refused({ url: 'http://example.gov.vn/', events: [] }, /events/);
    await refused({}, /url/);
    // nothing was changed by the refusals
    assert.equal((await c.webhook()).url, receiver.url);
  });
});

describe('webhooks: dead letters after the horizon, retried by the operator; allowed hosts', () => {
  let node: Node;
  const receiver = new Receiver();

  before(async () => {
    await receiver.start();
    node = await startNode({ ...FAST, horizonSeconds: 1, allowedHosts: ['127.0.0.1', '*.gov.vn'] });
  });
  after(async () => {
    await node?.stop();
    await receiver.close();
  });

  test('refuses a host outside webhooks.allowedHosts', async () => {
    await assert.rejects(
      node.client(RECEIVER).setWebhook({ url: 'https://attacker.example/hook' }),
      (e: LienthongApiError) => e.status === 400 && /"attacker.example" is not among the hosts/.test(e.message),
    );
    await node.client(RECEIVER).setWebhook({ url: 'https://vanthu.tinh.gov.vn/hook' });
  });

  test('past the horizon: a dead letter, listed, and sent once the operator retries it', async () => {
    await node.client(RECEIVER).setWebhook({ url: receiver.url });
    receiver.mode = 'fail';
    const docId = await send(node, 'thư chết');
    const hub = node.started.hub;
    await until('dead-lettered', async () => (await hub.webhooks.listNotifications()).some((n) => n.docId === docId));
    const [dead] = (await hub.webhooks.listNotifications()).filter((n) => n.docId === docId);
    assert.equal(dead!.state, 'dead');
    assert.match(dead!.lastError ?? '', /HTTP 500/);
    assert.ok(dead!.attempts >= 2);
    assert.equal((await node.client(RECEIVER).webhook()).queue.deadLetters, 1);
    const attemptsBefore = receiver.received.length;
    await hub.webhooksIdle();
    assert.equal(receiver.received.length, attemptsBefore, 'a dead letter is not tried again by itself');
    receiver.mode = 'ok';
    assert.equal(await hub.webhooks.retryDeadLetters({ ids: [dead!.id] }), 1);
    await until('sent after the retry', () => receiver.acked(dead!.id).length === 1);
    assert.equal((await hub.webhooks.listNotifications()).length, 0);
    const audit = await hub.listAudit(0, 1000);
    assert.ok(audit.some((e) => e.action === 'webhook-retry'));
    assert.ok(audit.some((e) => e.action === 'webhook-register' && e.subject === RECEIVER));
    const metrics = await (await fetch(`${node.started.url}/metrics`)).text();
    assert.match(metrics, /lienthong_webhook_attempts_total\{outcome="dead"\} 1/);
    assert.match(metrics, /lienthong_webhook_dead_letters 0/);
    assert.match(metrics, /lienthong_webhook_queue_depth 0/);
  });
});
