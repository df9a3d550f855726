// Two hub nodes on one PostgreSQL database, both pushing: every notification reaches the receiver
// exactly once (claims FOR UPDATE SKIP LOCKED with a lease; the cursor row serialises derivation).

import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { createHub } from '../../core/create-hub.js';
import type { Hub } from '../../core/hub.js';
import { as, body, documentPackage, testConfig } from '../../core/hub-test-support.js';
import {
  createTestDatabase,
  postgresSkipReason,
  type TestDatabase,
} from '../../store/postgres/postgres-test-database.js';

const SENDER = '000.00.00.G22';
const RECIPIENT = '000.00.00.H41';

describe('webhooks on two hub nodes sharing one database', { skip: postgresSkipReason() }, () => {
  let db: TestDatabase;
  const dirs: string[] = [];
  let a: Hub;
  let b: Hub;
  let server: Server;
  let url = '';
  /** notification id → calls received */
  const calls = new Map<string, number>();

  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const id = String(req.headers['x-lienthong-webhook-id']);
        calls.set(id, (calls.get(id) ?? 0) + 1);
        // a little latency, so that both nodes have attempts under way at once
        setTimeout(() => res.writeHead(204).end(), 15);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    db = await createTestDatabase();
    const open = async (given?: string) => {
      const dir = given ?? (await mkdtemp(join(tmpdir(), 'lt-webhooks-two-')));
      dirs.push(dir);
      const config = testConfig(dir);
      return createHub(
        {
          ...config,
          database: db.url,
          webhooks: { ...config.webhooks, pollIntervalMs: 20, initialDelayMs: 20, maxDelayMs: 100, concurrency: 3 },
        },
        { logger: pino({ level: process.env['DEBUG_WEBHOOKS'] ? 'warn' : 'silent' }) },
      );
    };
    a = await open();
    await a.initDemo();
    // the nodes of one hub share the master key (LIENTHONG_MASTER_KEY in production): secrets are sealed with it
    const second = await mkdtemp(join(tmpdir(), 'lt-webhooks-two-'));
    await mkdir(join(second, 'keys'), { recursive: true });
    await copyFile(join(dirs[0]!, 'keys', 'master.key'), join(second, 'keys', 'master.key'));
    b = await open(second);
  });

  after(async () => {
    await a?.close();
    await b?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
    await db?.drop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('each notification is sent by one node, once', async () => {
    await b.webhooks.set(as(RECIPIENT), { url });
    a.startWebhookDispatcher();
    b.startWebhookDispatcher();
    const n = 30;
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const hub = i % 2 ? a : b;
        await hub.submit({
          principal: as(SENDER),
          body: body(await documentPackage(SENDER, [RECIPIENT])),
          messageType: 'auto',
        });
      }),
    );
    const end = Date.now() + 30_000;
    while (calls.size < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    if (calls.size < n && process.env['DEBUG_WEBHOOKS']) {
      console.log(await a.webhooks.listNotifications({ states: ['pending', 'dead', 'skipped', 'sent'], limit: 100 }));
      console.log(await a.webhooks.queueStats());
    }
    assert.equal(calls.size, n, 'every notification arrived');
    await Promise.all([a.webhooksIdle(), b.webhooksIdle()]);
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([a.webhooksIdle(), b.webhooksIdle()]);
    assert.deepEqual(
      [...calls.entries()].filter(([, c]) => c !== 1),
      [],
      'no notification was sent twice',
    );
    const sent = await a.webhooks.listNotifications({ states: ['sent'] });
    assert.equal(sent.length, n);
    assert.ok(sent.every((s) => s.attempts === 1));
  });
});
