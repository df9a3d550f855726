// Versioned migrations recorded in `schema_migrations`; each runs in its own transaction.

import type { Kysely } from 'kysely';
import type { Database } from './database.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<unknown>): Promise<void>;
}

export async function runMigrations(db: Kysely<Database>, migrations: Migration[]): Promise<number[]> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'integer', (c) => c.notNull())
    .execute();
  const done = new Set((await db.selectFrom('schema_migrations').select('version').execute()).map((r) => r.version));
  const newest = Math.max(0, ...done);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known) {
    throw new Error(`the database schema is version ${newest}, newer than this hub knows (${known}); upgrade the hub`);
  }
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await db.transaction().execute(async (trx) => {
      await m.up(trx as unknown as Kysely<unknown>);
      await trx
        .insertInto('schema_migrations')
        .values({ version: m.version, name: m.name, applied_at: Date.now() })
        .execute();
    });
    applied.push(m.version);
  }
  return applied;
}
