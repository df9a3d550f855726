// `lienthong migrate` through the built executable: on a data directory's SQLite file and on PostgreSQL.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestDatabase, postgresSkipReason } from '@lienthong/hub/testing-postgres';
import { cliHarness } from './test-support/cli-harness.js';

const cli = cliHarness('lienthong-cli-migrate-', async () => {});

test('migrate applies every migration to a new SQLite store once, and says so', async () => {
  const dataDir = join(cli.dir, 'hub');
  const first = await cli.lienthong(['migrate', '--data-dir', dataDir]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^SQLite .*hub\.sqlite$/m);
  assert.match(first.stdout, /applied 001 initial-schema/);
  assert.match(first.stdout, /Schema version \d+: \d+ migrations applied\./);
  const again = await cli.lienthong(['migrate', '--data-dir', dataDir, '--json']);
  assert.equal(again.code, 0, again.stderr);
  const report = JSON.parse(again.stdout);
  assert.equal(report.backend, 'sqlite');
  assert.deepEqual(report.applied, []);
  assert.ok(report.version >= 6);
});

test('a database URL that is not PostgreSQL is a usage error', async () => {
  const r = await cli.lienthong(['migrate', '--database', 'mysql://root@localhost/hub']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /must be a PostgreSQL URL/);
});

test('migrate on PostgreSQL (--database, or LIENTHONG_DATABASE_URL); agency commands use the same database', {
  skip: postgresSkipReason(),
}, async () => {
  const db = await createTestDatabase();
  try {
    const url = new URL(db.url);
    url.password = 'not-printed';
    const first = await cli.lienthong(['migrate', '--database', db.url, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const report = JSON.parse(first.stdout);
    assert.equal(report.backend, 'postgres');
    assert.equal(report.applied[0].name, 'initial-schema');
    // every migration, up to the newest (versions may have gaps: they are reserved per branch)
    assert.equal(report.applied.at(-1).version, report.version);
    const again = await cli.lienthong(['migrate'], { LIENTHONG_DATABASE_URL: url.toString() });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^PostgreSQL postgres:\/\/postgres:\*\*\*@/m);
    assert.doesNotMatch(again.stdout, /not-printed/);
    assert.match(again.stdout, /up to date, nothing applied/);

    const dataDir = join(cli.dir, 'pg-hub');
    const add = await cli.lienthong([
      'agency',
      'add',
      '000.00.00.G22',
      '--name',
      'Văn phòng Chính phủ',
      '--data-dir',
      dataDir,
      '--database',
      db.url,
    ]);
    assert.equal(add.code, 0, add.stderr);
    const list = await cli.lienthong(['agency', 'list', '--data-dir', dataDir, '--json'], { DATABASE_URL: db.url });
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(
      JSON.parse(list.stdout).items.map((a: { code: string }) => a.code),
      ['000.00.00.G22'],
    );
    // the SQLite file of that data directory was never used
    const sqlite = await cli.lienthong(['agency', 'list', '--data-dir', dataDir, '--json']);
    assert.deepEqual(JSON.parse(sqlite.stdout).items, []);
  } finally {
    await db.drop();
  }
});
