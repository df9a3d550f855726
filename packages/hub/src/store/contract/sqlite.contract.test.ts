import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { migrations } from '../sqlite/migrations/index.js';
import { openSqliteStore } from '../sqlite/sqlite-store.js';
import { storeContract } from './store-contract.js';

storeContract({
  name: 'SQLite',
  sharedByNodes: false,
  migrations,
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'lt-contract-'));
    const file = join(dir, 'hub.sqlite');
    const store = await openSqliteStore({ file });
    return {
      store,
      // one writer per file: the embedded store is not shared by hub nodes
      async sql(statement) {
        const raw = new SQLite(file);
        try {
          const stmt = raw.prepare(statement);
          if (stmt.reader) return stmt.all() as Array<Record<string, unknown>>;
          stmt.run();
          return [];
        } finally {
          raw.close();
        }
      },
      async dispose() {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});
