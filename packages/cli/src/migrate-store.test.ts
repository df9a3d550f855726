// `lienthong migrate-store` through the built executable: an embedded data directory (agencies added by
// `lienthong agency add`) copied into a fresh PostgreSQL database, verified; run again, it resumes and
// copies nothing; a target URL that is not PostgreSQL is a usage error.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestDatabase, postgresSkipReason } from '@lienthong/hub/testing-postgres';
import { AGENCIES, cliHarness } from './test-support/cli-harness.js';

let hubDir: string;
const cli = cliHarness('lienthong-cli-migrate-store-', async (cli) => {
  hubDir = join(cli.dir, 'hub');
  await cli.addAgencies(hubDir, AGENCIES);
});

test('migrate-store copies a data directory into PostgreSQL and verifies it; a second run copies nothing', {
  skip: postgresSkipReason(),
}, async () => {
  const db = await createTestDatabase();
  try {
    const first = await cli.lienthong(['migrate-store', '--from', hubDir, '--to', db.url, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const report = JSON.parse(first.stdout);
    assert.equal(report.verification.ok, true);
    assert.equal(report.resumed, false);
    const agencies = report.tables.find((t: { name: string }) => t.name === 'agencies');
    assert.equal(agencies.rows, AGENCIES.length);
    assert.equal(agencies.copied, AGENCIES.length);
    assert.ok(report.verification.auditHead.target.id >= AGENCIES.length, 'agency add is audited');

    const again = await cli.lienthong(['migrate-store', '--from', hubDir, '--to', db.url]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^Resumed: copied /m);
    assert.match(
      again.stdout,
      new RegExp(`agencies +${AGENCIES.length} rows \\(${AGENCIES.length} by an earlier run\\)`),
    );
    assert.match(again.stdout, /Verified: row counts and counters equal, audit head \d+ [0-9a-f]{64}/);

    // the copy is a hub: its agencies, listed from PostgreSQL
    const list = await cli.lienthong(['agency', 'list', '--data-dir', hubDir, '--database', db.url, '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(
      (JSON.parse(list.stdout).items as Array<{ code: string }>).map((a) => a.code).sort(),
      AGENCIES.map(([code]) => code).sort(),
    );
  } finally {
    await db.drop();
  }
});

test('migrate-store into a database URL that is not PostgreSQL is a usage error', async () => {
  const r = await cli.lienthong(['migrate-store', '--from', hubDir, '--to', 'mysql://root@localhost/hub']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /must be a PostgreSQL URL/);
});
