import { type Kysely, sql } from 'kysely';
import type { Migration } from '../../sql/migrator.js';
import { directoryNotify as sqlite } from '../../sqlite/migrations/012-directory-notify.js';

/** The channel the trigger below notifies: agencies changed (no payload; a hint to drop cached agencies). */
export const DIRECTORY_CHANNEL = 'lienthong_directory';

/**
 * A statement-level trigger on `agencies`: any write, by any node or by hand, notifies DIRECTORY_CHANNEL
 * when its transaction commits (several in one transaction are delivered once).
 */
export const directoryNotify: Migration = {
  version: 12,
  name: sqlite.name,
  async up(db: Kysely<unknown>) {
    await sql`CREATE FUNCTION lienthong_directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('lienthong_directory', ''); RETURN NULL; END $$`.execute(db);
    await sql`CREATE TRIGGER agencies_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agencies
      FOR EACH STATEMENT EXECUTE FUNCTION lienthong_directory_changed()`.execute(db);
  },
};
