import { type Kysely, sql } from 'kysely';
import type { Migration } from '../../sql/migrator.js';
import { directoryGuard as sqlite } from '../../sqlite/migrations/013-directory-guard.js';

/**
 * Two things for the group commit's cost per package (docs/BENCHMARKS.md, session 5):
 *  - `lienthong_directory_unchanged(v)` raises serialization_failure (40001, retryable) unless the counter
 *    `directory_version` is `v` when it runs: a transaction that answered agencies from the batch's cache
 *    of version `v` queues it instead of reading the version (pg-batch.ts).
 *  - Inline blobs (the package's bytes and its small attachments, up to the tiered blob store's threshold;
 *    TOAST compresses them above 2 KiB) are compressed with lz4 instead of pglz where the server was built
 *    with it: less of the server's CPU at intake. Only new values: rows stored before stay as they are.
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
    await sql`DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
          ALTER TABLE inline_blobs ALTER COLUMN bytes SET COMPRESSION lz4;
        END IF;
      END $$`.execute(db);
  },
};
