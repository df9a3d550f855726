// Temporary SQLite files for store tests: each in a directory of its own, all removed after the test
// file's tests have run.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';

export interface TempSqlite {
  /** a path for a new database file (nothing created there yet) */
  file(): Promise<string>;
  /** a store opened on a new database file */
  open(): Promise<{ file: string; store: SqliteStore }>;
}

/** `prefix` names the temporary directories (e.g. 'lt-store-') */
export function tempSqlite(prefix: string): TempSqlite {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const file = async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    dirs.push(dir);
    return join(dir, 'hub.sqlite');
  };
  return {
    file,
    async open() {
      const f = await file();
      return { file: f, store: await openSqliteStore({ file: f }) };
    },
  };
}
