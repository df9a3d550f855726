import { migrations } from '../postgres/migrations/index.js';
import { openPostgresStore } from '../postgres/postgres-store.js';
import { createTestDatabase, postgresSkipReason, sqlOn } from '../postgres/postgres-test-database.js';
import type { Store } from '../store.js';
import { storeContract } from './store-contract.js';

const skip = postgresSkipReason();
if (skip) {
  console.log(`# ${skip}`);
} else {
  storeContract({
    name: 'PostgreSQL',
    sharedByNodes: true,
    migrations,
    async open() {
      const db = await createTestDatabase();
      const opened: Store[] = [];
      const open = async () => {
        const s = await openPostgresStore({ url: db.url, poolSize: 4 });
        opened.push(s);
        return s;
      };
      const store = await open();
      return {
        store,
        openAnother: open,
        sql: (statement) => sqlOn(db.url, statement),
        async dispose() {
          for (const s of opened) await s.close();
          await db.drop();
        },
      };
    },
  });
}
