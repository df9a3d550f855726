// Picks the Store backend from the configuration: PostgreSQL when `database` is set, else the
// embedded SQLite file in the data directory. Both migrate when opened; `migrateStore` only migrates.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type pino from 'pino';
import type { HubConfig } from '../config/hub-config.js';
import { migrations as postgresMigrations } from './postgres/migrations/index.js';
import { migratePostgresDatabase, openPostgresStore } from './postgres/postgres-store.js';
import type { Database } from './sql/database.js';
import { runMigrations } from './sql/migrator.js';
import { migrations as sqliteMigrations } from './sqlite/migrations/index.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export type StoreBackendName = 'sqlite' | 'postgres';

/** Where the store lives, fit for logs and messages: a database URL without its password. */
export function describeStore(config: Pick<HubConfig, 'dataDir' | 'database'>): {
  backend: StoreBackendName;
  location: string;
} {
  if (config.database) return { backend: 'postgres', location: redactUrl(config.database) };
  return { backend: 'sqlite', location: sqliteFile(config) };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function sqliteFile(config: Pick<HubConfig, 'dataDir'>): string {
  return join(config.dataDir, 'hub.sqlite');
}

export async function openStore(
  config: Pick<HubConfig, 'dataDir' | 'database' | 'databasePoolSize'>,
  logger?: pino.Logger,
): Promise<Store> {
  if (config.database) {
    return openPostgresStore({
      url: config.database,
      poolSize: config.databasePoolSize,
      onIdleError: (err) =>
        logger?.warn({ err: err.message }, 'database connection lost while idle; it will be replaced'),
    });
  }
  return openSqliteStore({ file: sqliteFile(config) });
}

export interface MigrationReport {
  backend: StoreBackendName;
  /** the database file, or the URL without its password */
  location: string;
  applied: Array<{ version: number; name: string }>;
  /** the schema version after migrating */
  version: number;
}

/** Runs the pending migrations of the configured store (`lienthong migrate`). */
export async function migrateStore(config: Pick<HubConfig, 'dataDir' | 'database'>): Promise<MigrationReport> {
  const { backend, location } = describeStore(config);
  if (config.database) {
    const applied = await migratePostgresDatabase(config.database);
    return { backend, location, applied: applied.map(brief), version: newest(postgresMigrations) };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const sqlite = new SQLite(location);
  // as openSqliteStore sets them
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    const applied = await runMigrations(db, sqliteMigrations);
    return {
      backend,
      location,
      applied: sqliteMigrations.filter((m) => applied.includes(m.version)).map(brief),
      version: newest(sqliteMigrations),
    };
  } finally {
    await db.destroy();
  }
}

const brief = (m: { version: number; name: string }) => ({ version: m.version, name: m.name });
const newest = (list: Array<{ version: number }>) => Math.max(0, ...list.map((m) => m.version));
