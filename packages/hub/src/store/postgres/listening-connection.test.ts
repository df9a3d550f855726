// The listening connection (listening-connection.ts) on a real PostgreSQL: it delivers notifications,
// is alive only while heartbeats are answered, tells its owner when its backend is terminated, opens
// itself again and listens again, and neither its back-off nor a closed one keeps a process alive.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { ListeningConnection, type ListeningConnectionOptions } from './listening-connection.js';
import {
  createTestDatabase,
  POSTGRES_ADMIN_URL,
  postgresSkipReason,
  sqlOn,
  type TestDatabase,
} from './postgres-test-database.js';

const CHANNELS = ['lt_test_one', 'lt_test_two'];

/** waits (no deadline of its own: the test runner's applies) until `ok` holds */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** a connection whose callbacks are recorded */
function recorded(opts: Partial<ListeningConnectionOptions> & { url: string }) {
  const seen = {
    notifications: [] as pg.Notification[],
    opened: [] as boolean[],
    lost: [] as Array<Error | undefined>,
    retries: [] as number[],
  };
  const name = `lt-test-listen-${randomBytes(4).toString('hex')}`;
  const conn = new ListeningConnection({
    channels: CHANNELS,
    applicationName: name,
    heartbeatMs: 1_000,
    onNotification: (msg) => seen.notifications.push(msg),
    onOpen: (again) => seen.opened.push(again),
    onLost: (err) => seen.lost.push(err),
    onRetry: (_err, delay) => seen.retries.push(delay),
    ...opts,
  });
  return { conn, seen, name };
}

describe('a listening connection of its own', { skip: postgresSkipReason() }, () => {
  let db: TestDatabase;
  const open: ListeningConnection[] = [];

  before(async () => {
    db = await createTestDatabase();
  });

  after(async () => {
    for (const c of open) await c.close();
    await db?.drop();
  });

  test('delivers the notifications of its channels, and is alive', async () => {
    const { conn, seen } = recorded({ url: db.url });
    open.push(conn);
    await conn.start();
    assert.equal(conn.open, true);
    assert.equal(conn.alive, true);
    assert.deepEqual(seen.opened, [false], 'opened once, nothing missed before');
    await sqlOn(db.url, `SELECT pg_notify('lt_test_one', 'a'), pg_notify('lt_test_two', ''), pg_notify('other', 'x')`);
    await until(() => seen.notifications.length === 2);
    assert.deepEqual(
      seen.notifications.map((n) => [n.channel, n.payload]),
      [
        ['lt_test_one', 'a'],
        ['lt_test_two', ''],
      ],
    );
    assert.deepEqual(seen.retries, []);
    await conn.close();
  });

  test('alive only while a heartbeat sent less than aliveMs ago was answered', async () => {
    const { conn } = recorded({ url: db.url, heartbeatMs: 400, aliveMs: 150 });
    open.push(conn);
    await conn.start();
    assert.equal(conn.alive, true, 'the LISTEN was just answered');
    await until(() => !conn.alive);
    assert.equal(conn.open, true, 'open, but nothing answered lately');
    await until(() => conn.alive);
    await conn.close();
    assert.equal(conn.alive, false);
  });

  test('a terminated backend is told as lost; it opens itself again, listens again and tells so', async () => {
    const { conn, seen, name } = recorded({ url: db.url });
    open.push(conn);
    await conn.start();
    const cut = await sqlOn(
      db.url,
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = '${name}'`,
    );
    assert.equal(cut.length, 1);
    await until(() => seen.lost.length > 0);
    assert.equal(seen.lost.length, 1);
    assert.equal(seen.retries.length, 1, 'one reconnect scheduled');
    assert.ok(seen.retries[0]! >= 125 && seen.retries[0]! <= 250, `first back-off ${seen.retries[0]} ms`);
    await until(() => seen.opened.length === 2);
    assert.deepEqual(seen.opened, [false, true], 'opened again after a loss');
    assert.equal(conn.open, true);
    assert.equal(conn.alive, true);
    await sqlOn(db.url, `SELECT pg_notify('lt_test_two', 'after')`);
    await until(() => seen.notifications.length === 1);
    assert.equal(seen.notifications[0]!.payload, 'after');
    await conn.close();
  });

  test('first attempts that fail are retried in the background, and the first opening then says so', async () => {
    const name = `lt_test_${randomBytes(6).toString('hex')}`;
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    const { conn, seen } = recorded({ url: url.toString() });
    open.push(conn);
    try {
      await conn.start(); // the database does not exist yet
      assert.equal(conn.open, false);
      assert.equal(seen.retries.length, 1);
      await sqlOn(POSTGRES_ADMIN_URL, `CREATE DATABASE ${name}`);
      await until(() => seen.opened.length === 1);
      assert.deepEqual(seen.opened, [true], 'notifications may have been missed before');
      assert.deepEqual(seen.lost, [], 'a failed attempt is no loss');
      await conn.close();
    } finally {
      await sqlOn(POSTGRES_ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  test('after close nothing is delivered and its backend is gone', async () => {
    const { conn, seen, name } = recorded({ url: db.url });
    await conn.start();
    await conn.close();
    assert.equal(conn.open, false);
    await conn.close();
    await sqlOn(db.url, `SELECT pg_notify('lt_test_one', 'late')`);
    const rows = await sqlOn(db.url, `SELECT pid FROM pg_stat_activity WHERE application_name = '${name}'`);
    assert.deepEqual(rows, []);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(seen.notifications, []);
    assert.deepEqual(seen.lost, [], 'a close is no loss');
  });

  /** runs `body` in a child node process with `conn` started on `url`; resolves with its exit code (fails after 15 s) */
  function child(url: string, body: string): Promise<number | null> {
    const module = new URL(import.meta.url);
    const source = module.pathname.endsWith('.ts');
    module.pathname = module.pathname.replace(/\.test\.(ts|js)$/, `.${source ? 'ts' : 'js'}`);
    const code = `
      const { ListeningConnection } = await import(${JSON.stringify(module.href)});
      const conn = new ListeningConnection({
        url: ${JSON.stringify(url)}, channels: ['lt_test_one'], applicationName: 'lt-test-child',
        heartbeatMs: 50, onNotification() {},
      });
      await conn.start();
      ${body}`;
    const proc = spawn(
      process.execPath,
      [...(source ? ['--conditions=lienthong-source', '--import', 'tsx'] : []), '--input-type=module', '-e', code],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill();
        reject(new Error('the child process did not exit by itself'));
      }, 15_000);
      proc.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  test('a closed connection leaves nothing that keeps the process alive', async () => {
    const code = await child(
      db.url,
      `if (!conn.open) process.exit(2);
       await new Promise((r) => setTimeout(r, 200)); // a few heartbeats
       await conn.close();`,
    );
    assert.equal(code, 0);
  });

  test('nor does its back-off while the database cannot be reached', async () => {
    const code = await child('postgres://postgres@127.0.0.1:1/none', `if (conn.open) process.exit(2);`);
    assert.equal(code, 0);
  });
});
