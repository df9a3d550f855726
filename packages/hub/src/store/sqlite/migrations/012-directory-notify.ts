import type { Migration } from '../../sql/migrator.js';

/**
 * PostgreSQL: every statement that writes `agencies` notifies the channel `lienthong_directory` at its
 * commit, so that each hub node drops the agencies it caches outside transactions
 * (store/postgres/directory-cache.ts). SQLite has one process per database and needs nothing: the
 * version exists so that a schema version means the same on both backends.
 */
export const directoryNotify: Migration = {
  version: 12,
  name: 'directory-notify',
  async up() {},
};
