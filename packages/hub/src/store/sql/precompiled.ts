// Queries built and compiled once, run many times: on the hot paths (intake's commit, fetch, ack)
// building a Kysely query and compiling it to SQL cost about as much as SQLite running it.
//
// A query is built once per shape (`key`) with placeholder objects where its values go; Kysely
// compiles each to a bound parameter, so the compiled SQL is kept and each run only swaps the
// placeholders in the parameter list for the values. Portable: the SQL is compiled by the backend's
// own dialect, and kept per dialect adapter (shared by a Kysely instance and its transactions).

import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import { sameStrings } from '../../core/same-strings.js';
import type { Database } from './database.js';

class Slot {
  constructor(readonly index: number) {}
}

const MAX_SHAPES = 256;
const byAdapter = new WeakMap<object, Map<string, CompiledQuery>>();

/**
 * Runs compiled SQL at once on the connection, bypassing the Kysely executor (its connection
 * provider, lock and promise chain): the SQLite store registers one for each transaction it runs
 * (better-sqlite3 is synchronous), and one for its own queries outside transactions, which answers
 * undefined when the connection is taken (the query then waits for it through the executor).
 * Throws as the query would.
 */
export type DirectRunner = (sql: string, parameters: readonly unknown[]) => QueryResult<unknown> | undefined;
const directRunners = new WeakMap<object, DirectRunner>();

/** Precompiled queries on `db` (a transaction holding its connection, or the store's own) run through `runner` from now on. */
export function runDirectly(db: object, runner: DirectRunner): void {
  directRunners.set(db, runner);
}

/** the placeholder of argument `index`, typed to fit wherever the builder takes a value */
export type SlotOf = (index: number) => never;

/**
 * Runs the query `build` makes, compiled once per `key`, with `args` in its placeholders.
 * `key` must name everything that changes the SQL text (e.g. the number of rows inserted); each
 * placeholder must stand for a value Kysely binds as a parameter (an undefined argument binds NULL).
 */
export function precompiled<R>(
  db: Kysely<Database>,
  key: string,
  args: readonly unknown[],
  build: (slot: SlotOf) => Compilable<R>,
): Promise<QueryResult<R>> {
  const adapter = db.getExecutor().adapter;
  let shapes = byAdapter.get(adapter);
  if (!shapes) {
    shapes = new Map();
    byAdapter.set(adapter, shapes);
  }
  let compiled = shapes.get(key) as CompiledQuery<R> | undefined;
  if (!compiled) {
    compiled = build((index: number) => new Slot(index) as never).compile();
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value as string);
    shapes.set(key, compiled);
  }
  const parameters = compiled.parameters.map((p) => (p instanceof Slot ? (args[p.index] ?? null) : p));
  const direct = directRunners.get(db);
  if (direct) {
    try {
      const result = direct(compiled.sql, parameters) as QueryResult<R> | undefined;
      if (result !== undefined) return Promise.resolve(result);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return db.executeQuery<R>({ ...compiled, parameters });
}

/** the rows of an INSERT of `rows` × `columns` values, as placeholders in row-major order */
export function slotRows<C extends string>(slot: SlotOf, columns: readonly C[], rows: number): Record<C, never>[] {
  const out: Record<C, never>[] = [];
  for (let r = 0; r < rows; r++) {
    const row = {} as Record<C, never>;
    columns.forEach((c, i) => {
      row[c] = slot(r * columns.length + i);
    });
    out.push(row);
  }
  return out;
}

/**
 * INSERT of rows that all have the same columns (in the same order), compiled once per table, column
 * list and number of rows. A row with an undefined value goes through the builder (which leaves that
 * column out, so it takes its default) rather than binding NULL.
 */
export async function insertRows<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  objects: readonly object[],
): Promise<void> {
  const rows = objects as readonly Record<string, unknown>[];
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const args: unknown[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (const c of columns) {
      const v = row[c];
      if (v === undefined || !(c in row)) {
        await db
          .insertInto(table)
          .values(rows as never)
          .execute();
        return;
      }
      args.push(v);
    }
    if (r > 0 && Object.keys(row).length !== columns.length) {
      await db
        .insertInto(table)
        .values(rows as never)
        .execute();
      return;
    }
  }
  await precompiled(db, insertKey(table, columns, rows.length), args, (slot) =>
    db.insertInto(table).values(slotRows(slot, columns, rows.length) as never),
  );
}

/** the last INSERT shape's key by table: the same shape again reuses the key instead of joining its columns anew */
const lastInsertKeys = new Map<string, { rows: number; columns: readonly string[]; key: string }>();

function insertKey(table: string, columns: readonly string[], rows: number): string {
  const last = lastInsertKeys.get(table);
  if (last && last.rows === rows && sameStrings(last.columns, columns)) return last.key;
  const key = `insert:${table}:${rows}:${columns.join()}`;
  lastInsertKeys.set(table, { rows, columns, key });
  return key;
}
