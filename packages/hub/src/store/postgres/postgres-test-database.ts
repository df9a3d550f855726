// Test support: a fresh PostgreSQL database per test (CREATE DATABASE lt_test_<random> through the
// `postgres` database), dropped afterwards, so that runs and tests never see each other's rows.
// The server: LIENTHONG_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres
// (.ci/run starts it). The tests fail when it is unreachable; LIENTHONG_SKIP_POSTGRES=1 skips them
// instead, outside CI only.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_ADMIN_URL =
  process.env['LIENTHONG_TEST_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';

/** Why the PostgreSQL tests are skipped, or undefined when they run (always in CI). */
export function postgresSkipReason(): string | undefined {
  if (process.env['CI']) return undefined;
  if (process.env['LIENTHONG_SKIP_POSTGRES'] === '1') {
    return 'LIENTHONG_SKIP_POSTGRES=1: PostgreSQL tests skipped (they run, and must pass, in CI)';
  }
  return undefined;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminUrl} (${(err as Error).message}); start it ` +
        '(pg_ctlcluster 15 main start, as .ci/run does), or set LIENTHONG_SKIP_POSTGRES=1 to skip these tests locally',
      { cause: err },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A new database on the server of `adminUrl` (a database to connect to for CREATE DATABASE): empty, or a
 * copy of `template` (a database nobody is connected to, e.g. one migrated once for many tests).
 */
export async function createTestDatabase(adminUrl = POSTGRES_ADMIN_URL, template?: string): Promise<TestDatabase> {
  const name = `lt_test_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * The database a test hub runs on: with LIENTHONG_TEST_DATABASE_URL set (the URL of a database on a
 * PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres), a fresh database on that server;
 * otherwise undefined: the embedded SQLite file in the hub's data directory.
 */
export async function testHubDatabase(): Promise<TestDatabase | undefined> {
  const server = process.env['LIENTHONG_TEST_DATABASE_URL'];
  return server ? createTestDatabase(server) : undefined;
}

/** Runs one statement on a database with its own connection; resolves with the rows. */
export async function sqlOn(url: string, statement: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(statement)).rows;
  } finally {
    await client.end();
  }
}
