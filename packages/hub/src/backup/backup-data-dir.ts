// Online backup of an embedded hub (SQLite + file blobs), safe while the hub runs and writes.
//
// 1. `VACUUM INTO` copies the database as one read transaction: a consistent snapshot of every
//    committed transaction (WAL mode: writers are not blocked, and what commits later is not in it).
// 2. Every blob file the snapshot references is copied and its SHA-256 checked against its key.
//    Blob files are written and fsync'd before the commit that references them, and never change,
//    so each one the snapshot names exists; small blobs live in the database itself.
// 3. Everything else in the data directory (master key, PKI, demo credentials) is copied as it is.
// 4. A manifest with the snapshot's figures and its file digest is written last: a backup without
//    a manifest is incomplete, and `restore` refuses it.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import SQLite from 'better-sqlite3';
import { fsyncDir, fsyncFile } from '../blobs/fs/fsync-dir.js';
import { BACKUP_FORMAT, type BackupManifest, blobPath, DATABASE_FILE, MANIFEST_FILE } from './backup-format.js';

/** the database, its WAL files, blobs and temp files are taken apart; everything else is copied as is */
const NOT_COPIED = new Set([DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, 'blobs', 'tmp']);

export interface BackupOptions {
  dataDir: string;
  /** a directory that does not exist yet (or is empty) */
  to: string;
  /** called after each blob copied */
  onBlob?: (done: number, total: number) => void;
}

export async function backupDataDir(opts: BackupOptions): Promise<BackupManifest> {
  const started = new Date();
  const source = join(opts.dataDir, DATABASE_FILE);
  if (!existsSync(source)) throw new Error(`${opts.dataDir} holds no hub database (${DATABASE_FILE})`);
  if (existsSync(opts.to) && (await readdir(opts.to)).length > 0) {
    throw new Error(`${opts.to} is not empty: a backup goes into a new directory`);
  }
  await mkdir(opts.to, { recursive: true });
  try {
    const target = join(opts.to, DATABASE_FILE);
    snapshotDatabase(source, target);
    await fsyncFile(target);

    const snapshot = readSnapshot(target);
    let blobBytes = 0;
    for (let i = 0; i < snapshot.blobKeys.length; i++) {
      const key = snapshot.blobKeys[i]!;
      blobBytes += await copyBlob(opts.dataDir, opts.to, key);
      opts.onBlob?.(i + 1, snapshot.blobKeys.length);
    }
    const otherFiles = await copyTree(opts.dataDir, opts.to, (rel) => !NOT_COPIED.has(rel.split('/')[0]!));

    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      sourceDataDir: opts.dataDir,
      schemaVersion: snapshot.schemaVersion,
      database: { file: DATABASE_FILE, sha256: await sha256File(target), size: (await stat(target)).size },
      documents: snapshot.documents,
      deliveries: snapshot.deliveries,
      audit: snapshot.audit,
      blobs: { count: snapshot.blobKeys.length, bytes: blobBytes },
      files: otherFiles,
    };
    const manifestFile = join(opts.to, MANIFEST_FILE);
    await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    await fsyncFile(manifestFile);
    await fsyncDir(opts.to);
    return manifest;
  } catch (err) {
    await rm(opts.to, { recursive: true, force: true });
    throw err;
  }
}

function snapshotDatabase(source: string, target: string): void {
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(target);
  } finally {
    db.close();
  }
}

interface Snapshot {
  schemaVersion: number;
  documents: number;
  deliveries: number;
  audit: { entries: number; head?: { id: number; hash: string } };
  /** blobs kept as files: referenced, and not stored inline in the database */
  blobKeys: string[];
}

export function readSnapshot(file: string): Snapshot {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const head = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
      | { id: number; hash: string }
      | undefined;
    const blobKeys = (
      db
        .prepare(
          `SELECT blob_key AS key FROM documents UNION SELECT blob_key FROM attachments
           EXCEPT SELECT key FROM inline_blobs ORDER BY 1`,
        )
        .all() as { key: string }[]
    ).map((r) => r.key);
    return {
      schemaVersion: (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v,
      documents: count('documents'),
      deliveries: count('deliveries'),
      audit: { entries: count('audit_log'), ...(head ? { head: { id: head.id, hash: head.hash } } : {}) },
      blobKeys,
    };
  } finally {
    db.close();
  }
}

/** Copies one blob file, checking that its bytes hash to its key; returns its size. */
async function copyBlob(fromDir: string, toDir: string, key: string): Promise<number> {
  const from = join(fromDir, blobPath(key));
  const to = join(toDir, blobPath(key));
  if (!existsSync(from)) throw new Error(`blob ${key} is referenced by the database but its file is missing`);
  await mkdir(dirname(to), { recursive: true });
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    createReadStream(from),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(to, { flags: 'wx' }),
  );
  const actual = hash.digest('hex');
  if (actual !== key) throw new Error(`blob ${key} is damaged: its bytes hash to ${actual}`);
  await fsyncFile(to);
  return size;
}

/** Copies the files under `from` that `keep` accepts (paths relative, with '/'); returns their relative paths. */
async function copyTree(from: string, to: string, keep: (rel: string) => boolean): Promise<string[]> {
  const copied: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(from, path).split('\\').join('/');
      if (!keep(rel)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        await mkdir(dirname(join(to, rel)), { recursive: true });
        await copyFile(path, join(to, rel));
        await fsyncFile(join(to, rel));
        copied.push(rel);
      }
    }
  };
  await walk(from);
  return copied.sort();
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
