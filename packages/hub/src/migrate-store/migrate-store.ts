// `lienthong migrate-store`: copies an embedded deployment (the SQLite file and blob files of a data
// directory) into PostgreSQL and the configured file blob store (S3, or a data directory's blobs/),
// then verifies the copy. Resumable: progress is recorded in the target, batch by batch, in the same
// transaction as the rows it vouches for.
//
// 1. The source is read from a snapshot: `VACUUM INTO` a temporary file (one read transaction, consistent
//    even if a hub writes meanwhile), migrated there to this hub's schema version; the data dir itself is
//    never written.
// 2. The target is migrated, then claimed: a `migrate_store_source` row names the source (its path, schema
//    version and first audit entry) and a fingerprint of its state (counters, row counts, audit head). A
//    target holding other data, another source's copy, or a copy of this source in another state is refused.
// 3. Every table is copied in dependency order (tables.ts), in batches paged by key; each batch and its
//    `migrate_store_progress` row commit together, so an interrupted run resumes after the last batch
//    that committed and no row is copied twice. Values are copied as they are: ids, sequence numbers,
//    times, hashes, bytes; the audit tables' triggers forbid UPDATE/DELETE/TRUNCATE only, not INSERT.
//    Then the events identity sequence is moved past the copied ids; counters equal the source's.
// 4. Every blob file a document or attachment references is copied into the target blob store, re-hashed
//    on the way; one already there with the right size is skipped.
// 5. Verification: row counts per table, counters, the audit head (id and hash), each inline blob's hash,
//    and every referenced blob present in the target (size, and by default its bytes re-hashed).

import { createHash } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { BlobStore } from '../blobs/blob-store.js';
import { FsBlobStore } from '../blobs/fs/fs-blob-store.js';
import { openFileBlobStore } from '../blobs/open-blob-store.js';
import type { BlobsConfig } from '../config/hub-config.js';
import { redactUrl } from '../store/open-store.js';
import { migratePostgresDatabase } from '../store/postgres/postgres-store.js';
import type { Database } from '../store/sql/database.js';
import { runMigrations } from '../store/sql/migrator.js';
import { migrations as sqliteMigrations } from '../store/sqlite/migrations/index.js';
import { COPIED_TABLES, type CopiedTable, NOT_COPIED_TABLES } from './tables.js';

export interface MigrateStoreOptions {
  /** the embedded hub's data directory (hub.sqlite, blobs/) */
  from: string;
  /** the target PostgreSQL database */
  to: string;
  /** where the target keeps blob files: `backend: 's3'` with `s3.*`, else `<targetDataDir>/blobs` */
  blobs: BlobsConfig;
  /** with blobs.backend fs: the target's data directory (default: `from`, whose files are then already there) */
  targetDataDir?: string;
  /** rows per batch (default 1000) */
  batchSize?: number;
  /** re-read and hash every referenced blob in the target (default true); false: sizes only */
  verifyBlobBytes?: boolean;
  /** where the snapshot is made (default: the OS temp directory); it needs room for a copy of hub.sqlite */
  tmpDir?: string;
  /** test hook: stops (throws MigrateStoreInterrupted) once this many batches have committed */
  interruptAfterBatches?: number;
  onProgress?: (event: MigrateStoreProgress) => void;
}

export type MigrateStoreProgress =
  | { kind: 'batch'; table: string; rows: number; copied: number; total: number }
  | { kind: 'table-done'; table: string; copied: number }
  | { kind: 'blob'; key: string; outcome: 'copied' | 'present' | 'mismatched' | 'missing' };

export interface TableReport {
  name: string;
  /** rows in the source */
  rows: number;
  /** copied by this run */
  copied: number;
  /** copied by an earlier, interrupted run */
  alreadyCopied: number;
}

export interface MigrateStoreReport {
  source: { dataDir: string; schemaVersion: number; migratedTo: number };
  target: { database: string; blobs: string };
  /** this run continued an interrupted one */
  resumed: boolean;
  warnings: string[];
  tables: TableReport[];
  blobs: {
    /** blob files referenced by the source (inline ones are rows of inline_blobs) */
    referenced: number;
    copied: number;
    copiedBytes: number;
    /** already in the target with the right size */
    present: number;
    /** keys whose source bytes do not hash to the key: not copied */
    mismatched: string[];
    /** referenced but absent from the source's blob files */
    missing: string[];
  };
  verification: MigrateStoreVerification;
}

export interface MigrateStoreVerification {
  ok: boolean;
  tables: Array<{ name: string; source: number; target: number }>;
  auditHead: { source?: { id: number; hash: string }; target?: { id: number; hash: string } };
  counters: { source: Record<string, number>; target: Record<string, number> };
  /** referenced blobs found in the target with the right size (and bytes, when hashed) */
  blobsVerified: number;
  blobBytesHashed: boolean;
  /** everything that did not match, one sentence each */
  problems: string[];
}

/** A run stopped part-way (the test hook); running again resumes it. */
export class MigrateStoreInterrupted extends Error {
  readonly code = 'migrate-store-interrupted';
  constructor(readonly batches: number) {
    super(`interrupted after ${batches} batches; run again to resume`);
  }
}

/** A refusal: the target or the source is not fit for this copy; nothing was written. */
export class MigrateStoreRefused extends Error {
  readonly code = 'migrate-store-refused';
}

/** pg_advisory_lock key held for the whole run: two copies into one database never interleave. */
const RUN_LOCK = 0x4c54_4d53; // 'LTMS'

type Row = Record<string, unknown>;

const MAX_PARAMETERS = 60_000;

export async function migrateEmbeddedStore(opts: MigrateStoreOptions): Promise<MigrateStoreReport> {
  const dbFile = join(opts.from, 'hub.sqlite');
  if (!existsSync(dbFile)) throw new MigrateStoreRefused(`${dbFile} does not exist: not an embedded hub's data dir`);
  const warnings: string[] = [];
  const wal = `${dbFile}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) {
    warnings.push(
      `${wal} is not empty: a hub may be running on this data directory. The copy is a consistent snapshot, ` +
        'but what the hub writes after it is not copied: stop the hub before the final run.',
    );
  }

  const tmp = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'lt-migrate-store-'));
  const snapshotFile = join(tmp, 'snapshot.sqlite');
  let snapshot: SQLite.Database | undefined;
  let client: pg.Client | undefined;
  try {
    const schemaVersion = takeSnapshot(dbFile, snapshotFile);
    const migratedTo = await migrateSnapshot(snapshotFile);
    snapshot = new SQLite(snapshotFile, { readonly: true, fileMustExist: true });
    const source = describeSource(snapshot, realpathSync(opts.from), schemaVersion);

    await migratePostgresDatabase(opts.to);
    client = await connect(opts.to);
    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [RUN_LOCK]);
    if (!locked.rows[0]?.ok) throw new MigrateStoreRefused('another migrate-store run is copying into this database');
    await checkSchemas(snapshot, client);
    const resumed = await claimTarget(client, source);

    const tables = await copyTables(snapshot, client, opts);
    await client.query(
      `SELECT setval(pg_get_serial_sequence('events', 'id'), coalesce(max(id), 0) + 1, false) FROM events`,
    );

    const targetBlobs = await openTargetBlobs(opts);
    const blobKeys = referencedBlobFiles(snapshot);
    const blobs = await copyReferencedBlobs(new FsBlobStore(opts.from), targetBlobs, blobKeys, opts);
    const verification = await verify(snapshot, client, targetBlobs, blobKeys, opts.verifyBlobBytes ?? true);
    for (const key of blobs.missing) verification.problems.push(`blob ${key} is referenced but missing in the source`);
    for (const key of blobs.mismatched) verification.problems.push(`blob ${key} is corrupt in the source`);
    verification.ok = verification.problems.length === 0;
    if (verification.ok) {
      await client.query('UPDATE migrate_store_source SET finished_at = $1 WHERE id = 1', [Date.now()]);
    }
    return {
      source: { dataDir: opts.from, schemaVersion, migratedTo },
      target: {
        database: redactUrl(opts.to),
        blobs:
          opts.blobs.backend === 's3'
            ? `s3://${opts.blobs.s3.bucket}/${opts.blobs.s3.prefix}`
            : join(opts.targetDataDir ?? opts.from, 'blobs'),
      },
      resumed,
      warnings,
      tables,
      blobs,
      verification,
    };
  } finally {
    snapshot?.close();
    await client?.end().catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * The target's file blob store. An S3 store's init() removes only stale temporaries; a file store's would empty
 * `<dir>/tmp`, which may be the source's own (a hub still running there may be writing into it): not called.
 */
async function openTargetBlobs(opts: MigrateStoreOptions): Promise<BlobStore> {
  const dataDir = opts.targetDataDir ?? opts.from;
  const store = await openFileBlobStore({ dataDir, blobs: opts.blobs });
  if (opts.blobs.backend === 's3') {
    await store.init();
  } else {
    await mkdir(join(dataDir, 'blobs'), { recursive: true, mode: 0o700 });
    await mkdir(join(dataDir, 'tmp'), { recursive: true, mode: 0o700 });
  }
  return store;
}

/** VACUUM INTO: one read transaction, so a consistent copy even while a hub writes. Returns its schema version. */
function takeSnapshot(dbFile: string, snapshotFile: string): number {
  const db = new SQLite(dbFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(snapshotFile);
    return (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  } finally {
    db.close();
  }
}

/** Brings the snapshot (never the source) to this hub's schema, as the hub would on its next start. */
async function migrateSnapshot(file: string): Promise<number> {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
  try {
    await runMigrations(db, sqliteMigrations);
    return Math.max(0, ...sqliteMigrations.map((m) => m.version));
  } finally {
    await db.destroy();
  }
}

interface SourceIdentity {
  path: string;
  schemaVersion: number;
  /** hash of the first audit entry (its id and hash), or 'none' */
  firstAudit: string;
  /** SHA-256 of the counters, the row count of every table and the audit head */
  fingerprint: string;
}

function describeSource(db: SQLite.Database, path: string, schemaVersion: number): SourceIdentity {
  const first = db.prepare('SELECT id, hash FROM audit_log ORDER BY id LIMIT 1').get() as
    | { id: number; hash: string }
    | undefined;
  const state = {
    counters: db.prepare('SELECT name, value FROM counters ORDER BY name').all(),
    counts: COPIED_TABLES.map((t) => [t.name, count(db, t.name)]),
    head: db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() ?? null,
  };
  return {
    path,
    schemaVersion,
    firstAudit: first ? `${first.id}:${first.hash}` : 'none',
    fingerprint: createHash('sha256').update(JSON.stringify(state)).digest('hex'),
  };
}

function count(db: SQLite.Database, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'lienthong migrate-store',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8 && format !== 'binary'
          ? Number
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  await client.connect();
  return client;
}

async function columnsOf(client: pg.Client, table: string): Promise<string[]> {
  const r = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY column_name`,
    [table],
  );
  return r.rows.map((c) => c.column_name);
}

function sqliteColumns(db: SQLite.Database, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[])
    .map((c) => c.name)
    .sort();
}

/** Every source table is one the copy knows, with the same columns on both sides: nothing is left behind. */
async function checkSchemas(db: SQLite.Database, client: pg.Client): Promise<void> {
  const known = new Set(COPIED_TABLES.map((t) => t.name));
  const tables = (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  const unknown = tables.filter((t) => !known.has(t) && !NOT_COPIED_TABLES.has(t));
  if (unknown.length > 0) {
    throw new MigrateStoreRefused(`the source has tables this copy does not know: ${unknown.join(', ')}`);
  }
  for (const t of COPIED_TABLES) {
    const a = sqliteColumns(db, t.name).join(',');
    const b = (await columnsOf(client, t.name)).join(',');
    if (a !== b) throw new MigrateStoreRefused(`table ${t.name}: source columns (${a}) differ from target's (${b})`);
  }
}

/**
 * Creates the bookkeeping tables and claims the target for this source; true when an earlier run of the same
 * source is being resumed. Refuses a target with other data, another source's copy, or a changed source.
 */
async function claimTarget(client: pg.Client, source: SourceIdentity): Promise<boolean> {
  const claimed = await client.query<{ exists: boolean }>(
    "SELECT to_regclass('migrate_store_source') IS NOT NULL AS exists",
  );
  const existing = claimed.rows[0]?.exists
    ? (
        await client.query<{
          source_path: string;
          schema_version: number;
          first_audit: string;
          fingerprint: string;
        }>('SELECT source_path, schema_version, first_audit, fingerprint FROM migrate_store_source WHERE id = 1')
      ).rows[0]
    : undefined;
  if (existing) {
    if (existing.first_audit !== source.firstAudit || existing.schema_version !== source.schemaVersion) {
      throw new MigrateStoreRefused(
        `the target holds a copy of another hub (${existing.source_path}, schema ${existing.schema_version}); ` +
          'use a new, empty database',
      );
    }
    if (existing.fingerprint !== source.fingerprint) {
      throw new MigrateStoreRefused(
        `${source.path} changed since the copy into this target began (a hub ran on it): the copy cannot be ` +
          'resumed. Stop the hub, drop and recreate the target database, and run migrate-store again',
      );
    }
    return true;
  }
  const occupied: string[] = [];
  for (const t of COPIED_TABLES) {
    if (t.name === 'counters') continue;
    const r = await client.query(`SELECT 1 FROM "${t.name}" LIMIT 1`);
    if (r.rowCount) occupied.push(t.name);
  }
  const counters = await client.query<{ name: string }>('SELECT name FROM counters WHERE value <> 0');
  if (counters.rowCount) occupied.push('counters');
  if (occupied.length > 0) {
    throw new MigrateStoreRefused(
      `the target database already holds a hub's data (${occupied.join(', ')}); migrate-store copies into an empty database only`,
    );
  }
  await client.query('BEGIN');
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS migrate_store_source (
      id integer PRIMARY KEY CHECK (id = 1),
      source_path text NOT NULL, schema_version integer NOT NULL, first_audit text NOT NULL,
      fingerprint text NOT NULL, started_at bigint NOT NULL, finished_at bigint)`);
    await client.query(`CREATE TABLE IF NOT EXISTS migrate_store_progress (
      table_name text PRIMARY KEY, last_key text, rows bigint NOT NULL, done boolean NOT NULL)`);
    await client.query(
      `INSERT INTO migrate_store_source (id, source_path, schema_version, first_audit, fingerprint, started_at)
       VALUES (1, $1, $2, $3, $4, $5)`,
      [source.path, source.schemaVersion, source.firstAudit, source.fingerprint, Date.now()],
    );
    for (const t of COPIED_TABLES) {
      await client.query(
        'INSERT INTO migrate_store_progress (table_name, last_key, rows, done) VALUES ($1, NULL, 0, false)',
        [t.name],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
  return false;
}

async function copyTables(db: SQLite.Database, client: pg.Client, opts: MigrateStoreOptions): Promise<TableReport[]> {
  const reports: TableReport[] = [];
  let batches = 0;
  for (const table of COPIED_TABLES) {
    const progress = (
      await client.query<{ last_key: string | null; rows: number; done: boolean }>(
        'SELECT last_key, rows, done FROM migrate_store_progress WHERE table_name = $1',
        [table.name],
      )
    ).rows[0];
    if (!progress) throw new Error(`no progress row for ${table.name}`);
    const total = count(db, table.name);
    const report: TableReport = { name: table.name, rows: total, copied: 0, alreadyCopied: progress.rows };
    reports.push(report);
    if (progress.done) continue;

    const columns = sqliteColumns(db, table.name);
    let lastKey = progress.last_key === null ? undefined : (JSON.parse(progress.last_key) as unknown[]);
    // one INSERT's parameters stay under PostgreSQL's limit of 65535
    const size = Math.min(table.batch ?? opts.batchSize ?? 1000, Math.floor(MAX_PARAMETERS / columns.length));
    const keyList = table.key.map((k) => `"${k}"`).join(', ');
    const select = (after: boolean) =>
      db.prepare(
        `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table.name}"
         ${after ? `WHERE (${keyList}) > (${table.key.map(() => '?').join(', ')})` : ''}
         ORDER BY ${keyList} LIMIT ?`,
      );
    const first = select(false);
    const next = select(true);
    for (;;) {
      const rows = (lastKey ? next.all(...(lastKey as never[]), size) : first.all(size)) as Row[];
      const last = rows.at(-1);
      const newKey = last ? table.key.map((k) => last[k]) : lastKey;
      await client.query('BEGIN');
      try {
        if (rows.length > 0) await insertRows(client, table, columns, rows);
        await client.query(
          'UPDATE migrate_store_progress SET last_key = $2, rows = rows + $3, done = $4 WHERE table_name = $1',
          [table.name, newKey === undefined ? null : JSON.stringify(newKey), rows.length, rows.length < size],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      report.copied += rows.length;
      lastKey = newKey;
      if (rows.length > 0) {
        opts.onProgress?.({
          kind: 'batch',
          table: table.name,
          rows: rows.length,
          copied: report.alreadyCopied + report.copied,
          total,
        });
        batches++;
        if (opts.interruptAfterBatches !== undefined && batches >= opts.interruptAfterBatches) {
          throw new MigrateStoreInterrupted(batches);
        }
      }
      if (rows.length < size) break;
    }
    opts.onProgress?.({ kind: 'table-done', table: table.name, copied: report.copied });
  }
  return reports;
}

/** One multi-row INSERT of the values as they are; counters (created by the target's migration) by upsert. */
async function insertRows(client: pg.Client, table: CopiedTable, columns: string[], rows: Row[]): Promise<void> {
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const placeholders = columns.map((c) => {
      params.push(row[c] ?? null);
      return `$${params.length}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  const conflict =
    table.name === 'counters'
      ? ` ON CONFLICT (${table.key.map((k) => `"${k}"`).join(', ')}) DO UPDATE SET value = EXCLUDED.value`
      : '';
  await client.query(
    `INSERT INTO "${table.name}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}${conflict}`,
    params,
  );
}

/** Blob files the source references: every document's and attachment's key not stored inline. */
function referencedBlobFiles(db: SQLite.Database): string[] {
  return (
    db
      .prepare(
        `SELECT blob_key AS key FROM documents UNION SELECT blob_key FROM attachments
         EXCEPT SELECT key FROM inline_blobs ORDER BY 1`,
      )
      .all() as { key: string }[]
  ).map((r) => r.key);
}

async function copyReferencedBlobs(
  from: BlobStore,
  to: BlobStore,
  keys: string[],
  opts: MigrateStoreOptions,
): Promise<MigrateStoreReport['blobs']> {
  const report: MigrateStoreReport['blobs'] = {
    referenced: keys.length,
    copied: 0,
    copiedBytes: 0,
    present: 0,
    mismatched: [],
    missing: [],
  };
  for (const key of keys) {
    const size = await from.size(key);
    if (size === undefined) {
      report.missing.push(key);
      opts.onProgress?.({ kind: 'blob', key, outcome: 'missing' });
      continue;
    }
    if ((await to.size(key)) === size) {
      report.present++;
      opts.onProgress?.({ kind: 'blob', key, outcome: 'present' });
      continue;
    }
    const temp = await to.createTemp();
    try {
      for await (const chunk of await from.open(key)) await temp.write(chunk as Uint8Array);
      const written = await temp.finish();
      if (written.sha256 !== key) {
        await temp.abort();
        report.mismatched.push(key);
        opts.onProgress?.({ kind: 'blob', key, outcome: 'mismatched' });
        continue;
      }
      await temp.commit();
      report.copied++;
      report.copiedBytes += written.size;
      opts.onProgress?.({ kind: 'blob', key, outcome: 'copied' });
    } catch (err) {
      await temp.abort();
      throw err;
    }
  }
  return report;
}

async function verify(
  db: SQLite.Database,
  client: pg.Client,
  blobs: BlobStore,
  blobKeys: string[],
  hashBytes: boolean,
): Promise<MigrateStoreVerification> {
  const problems: string[] = [];
  const tables: MigrateStoreVerification['tables'] = [];
  for (const t of COPIED_TABLES) {
    const source = count(db, t.name);
    const target = Number(
      (await client.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM "${t.name}"`)).rows[0]?.n ?? -1,
    );
    tables.push({ name: t.name, source, target });
    if (source !== target) problems.push(`${t.name}: ${source} rows in the source, ${target} in the target`);
  }

  const sourceHead = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
    | { id: number; hash: string }
    | undefined;
  const targetHead = (
    await client.query<{ id: number; hash: string }>('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1')
  ).rows[0];
  if (sourceHead?.id !== targetHead?.id || sourceHead?.hash !== targetHead?.hash) {
    problems.push(
      `audit head: ${sourceHead ? `${sourceHead.id} ${sourceHead.hash}` : 'none'} in the source, ` +
        `${targetHead ? `${targetHead.id} ${targetHead.hash}` : 'none'} in the target`,
    );
  }

  const sourceCounters = Object.fromEntries(
    (db.prepare('SELECT name, value FROM counters').all() as { name: string; value: number }[]).map((c) => [
      c.name,
      c.value,
    ]),
  );
  const targetCounters = Object.fromEntries(
    (await client.query<{ name: string; value: number }>('SELECT name, value FROM counters')).rows.map((c) => [
      c.name,
      c.value,
    ]),
  );
  for (const name of new Set([...Object.keys(sourceCounters), ...Object.keys(targetCounters)])) {
    if (sourceCounters[name] !== targetCounters[name]) {
      problems.push(`counter ${name}: ${sourceCounters[name]} in the source, ${targetCounters[name]} in the target`);
    }
  }

  const badInline = await client.query<{ key: string }>(
    `SELECT key FROM inline_blobs WHERE encode(sha256(bytes), 'hex') <> key OR length(bytes) <> size ORDER BY key`,
  );
  for (const r of badInline.rows) problems.push(`inline blob ${r.key}: its bytes do not hash to its key`);

  let blobsVerified = 0;
  for (const key of blobKeys) {
    const size = await blobs.size(key);
    if (size === undefined) {
      problems.push(`blob ${key} is missing in the target`);
      continue;
    }
    if (hashBytes) {
      const hash = createHash('sha256');
      for await (const chunk of await blobs.open(key)) hash.update(chunk as Uint8Array);
      const digest = hash.digest('hex');
      if (digest !== key) {
        problems.push(`blob ${key} in the target hashes to ${digest}`);
        continue;
      }
    }
    blobsVerified++;
  }

  return {
    ok: problems.length === 0,
    tables,
    auditHead: { ...(sourceHead ? { source: sourceHead } : {}), ...(targetHead ? { target: targetHead } : {}) },
    counters: { source: sourceCounters, target: targetCounters },
    blobsVerified,
    blobBytesHashed: hashBytes,
    problems,
  };
}
