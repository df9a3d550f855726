import { after, before } from 'node:test';
import { migrations } from '../postgres/migrations/index.js';
import { openPostgresStore } from '../postgres/postgres-store.js';
import {
  createTestDatabase,
  POSTGRES_ADMIN_URL,
  postgresSkipReason,
  sqlOn,
  type TestDatabase,
} from '../postgres/postgres-test-database.js';
import type { Store } from '../store.js';
import { storeContract } from './store-contract.js';

const skip = postgresSkipReason();
if (skip) {
  console.log(`# ${skip}`);
} else {
  // migrated once; every test gets a fresh copy of it (CREATE DATABASE … TEMPLATE)
  let template: TestDatabase | undefined;
  before(async () => {
    template = await createTestDatabase();
    await (await openPostgresStore({ url: template.url, poolSize: 1 })).close();
  });
  after(() => template?.drop());

  storeContract({
    name: 'PostgreSQL',
    sharedByNodes: true,
    migrations,
    async open() {
      const db = await createTestDatabase(POSTGRES_ADMIN_URL, template!.name);
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
