import { type Kysely, sql } from 'kysely';
import type { Migration } from '../../sql/migrator.js';
import { directoryGuard as sqlite } from '../../sqlite/migrations/013-directory-guard.js';

/**
 * `lienthong_directory_unchanged(v)` raises serialization_failure (40001, retryable) unless the counter
 * `directory_version` is `v` when it runs: a transaction that answered agencies from the batch's cache of
 * version `v` queues it instead of reading the version (pg-batch.ts).
 */
export const directoryGuard: Migration = {
  version: 13,
  name: sqlite.name,
  async up(db: Kysely<unknown>) {
    await sql`CREATE FUNCTION lienthong_directory_unchanged(expected bigint) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT value FROM counters WHERE name = 'directory_version') IS DISTINCT FROM expected THEN
          RAISE EXCEPTION 'the directory changed while the transaction ran' USING ERRCODE = '40001';
        END IF;
      END $$`.execute(db);
  },
};
