import type { Migration } from '../../sql/migrator.js';

/**
 * PostgreSQL: lz4 for the inline blobs' TOAST compression, and a function that fails a transaction (SQLSTATE 40001, so it runs again) when the directory
 * version is not the one it decided on (store/postgres/pg-batch.ts, the group commit's first run answers
 * agencies from its cache and checks the version with a deferred call instead of reading it). SQLite
 * needs nothing: the version exists so that a schema version means the same on both backends.
 */
export const directoryGuard: Migration = {
  version: 13,
  name: 'directory-guard',
  async up() {},
};
