// PostgreSQL for the harness: every hub must start as empty as a fresh copy of the template data
// directory, so each gets its own database, created from a template database (CREATE DATABASE …
// TEMPLATE, a file-level copy) and dropped when the hub stops. Administration goes through `psql`.
import { spawnSync } from 'node:child_process';
import type { StoreSelection } from './hub-process.js';

let serial = 0;

function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

function psql(base: string, sql: string): void {
  const r = spawnSync('psql', [databaseUrl(base, 'postgres'), '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`psql: ${sql}: ${r.stderr || r.error?.message}`);
}

function selection(url: string): StoreSelection {
  return { args: ['--database', url], env: { LIENTHONG_DATABASE_URL: url } };
}

/**
 * The store selection of a run on PostgreSQL at `base` (its database name is the prefix of every
 * database the run creates): the template hub's database, and a fresh clone of it per hub.
 */
export function postgresStore(base: string): StoreSelection {
  const prefix = (new URL(base).pathname.slice(1) || 'lienthong_bench').replace(/[^a-z0-9_]/gi, '_');
  const template = `${prefix}_template`;
  psql(base, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  psql(base, `CREATE DATABASE ${template}`);
  return {
    ...selection(databaseUrl(base, template)),
    freshForHub() {
      const name = `${prefix}_${process.pid}_${++serial}`;
      psql(base, `CREATE DATABASE ${name} TEMPLATE ${template}`);
      return {
        ...selection(databaseUrl(base, name)),
        dispose: () => psql(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      };
    },
    dispose: () => psql(base, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`),
  };
}
