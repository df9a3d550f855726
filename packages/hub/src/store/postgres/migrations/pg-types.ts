// Column types of the PostgreSQL schema. The row mappers (store/sql/row-mappers.ts) expect what SQLite
// returns, so the PostgreSQL store parses int8 as a JS number (see postgres-store.ts):
// - times are epoch milliseconds and counters, sequence numbers and sizes may pass 2^31: bigint;
// - flags stay integer 0/1 and small numbers integer, exactly as in SQLite;
// - text sorts and compares byte-wise (COLLATE "C"), like SQLite's BINARY collation, whatever the
//   database's default locale is: ORDER BY code gives the same order on both backends;
// - inline blob bytes are bytea (pg returns a Buffer, a Uint8Array).

import { type Kysely, sql } from 'kysely';

export const TEXT = sql`text collate "C"`;
export const BIGINT = 'bigint' as const;
export const INT = 'integer' as const;
export const BYTES = 'bytea' as const;

/** Makes a table append-only: UPDATE, DELETE and TRUNCATE fail with "<table> is append-only". */
export async function appendOnly(db: Kysely<unknown>, table: string): Promise<void> {
  await sql`CREATE OR REPLACE FUNCTION lienthong_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`.execute(db);
  for (const op of ['update', 'delete'] as const) {
    await sql`CREATE TRIGGER ${sql.id(`${table}_no_${op}`)} BEFORE ${sql.raw(op.toUpperCase())} ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION lienthong_append_only()`.execute(db);
  }
  await sql`CREATE TRIGGER ${sql.id(`${table}_no_truncate`)} BEFORE TRUNCATE ON ${sql.table(table)}
    FOR EACH STATEMENT EXECUTE FUNCTION lienthong_append_only()`.execute(db);
}
