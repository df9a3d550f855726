// The hub over HTTP while its PostgreSQL database cannot be reached: requests that need it are answered
// 503 `unavailable` (VXP: FAIL with ErrorCode 503), readiness fails, and once the database takes
// connections again the same hub serves again without a restart (the pool reconnects by itself).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { httpCall } from '../../test-support/http-request.js';
import { startTestHub } from '../../test-support/start-test-hub.js';
import { VxpTestClient } from '../../test-support/vxp-test-client.js';
import { createTestDatabase, POSTGRES_ADMIN_URL, postgresSkipReason } from './postgres-test-database.js';

const RECIPIENT = '000.00.00.H41';

test('a database that refuses connections: 503 unavailable, then served again', {
  skip: postgresSkipReason(),
}, async () => {
  const db = await createTestDatabase();
  // no demo directory: one agency is enough, and loading thousands costs a commit each
  const t = await startTestHub({ database: db.url, demo: false });
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    const { credentials } = await t.hub.addAgency({ code: RECIPIENT, name: 'UBND tỉnh Nghệ An' });
    const auth = { authorization: `Bearer ${credentials.apiKey}` };
    const vxp = new VxpTestClient(t.url, { systemId: RECIPIENT, secret: credentials.vxpSecret });
    assert.equal((await httpCall(`${t.url}/v1/inbox`, { headers: auth })).status, 200);
    assert.equal((await vxp.json('countReceiveEdoc')).status, 'OK');

    // the database stops taking connections and drops the hub's (as during a restart)
    await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);

    const inbox = await httpCall(`${t.url}/v1/inbox`, { headers: auth });
    assert.equal(inbox.status, 503, inbox.text());
    assert.equal(inbox.json().error.code, 'unavailable');
    const ready = await httpCall(`${t.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(ready.json().checks.database.ok, false);
    const answer = await vxp.json('countReceiveEdoc');
    assert.equal(answer.status, 'FAIL');
    assert.equal(answer.ErrorCode, '503');
    assert.equal((await httpCall(`${t.url}/healthz`)).status, 200, 'the process itself is alive');

    await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
    assert.equal((await httpCall(`${t.url}/v1/inbox`, { headers: auth })).status, 200);
    assert.equal((await httpCall(`${t.url}/readyz`)).status, 200);
    assert.equal((await vxp.json('countReceiveEdoc')).status, 'OK');
  } finally {
    await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin.end();
    await t.stop();
    await db.drop();
  }
});
