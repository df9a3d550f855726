// Restores a backup of an embedded hub into a data directory that holds no hub yet. Everything is
// checked before anything is put in place (manifest, database digest and figures, every blob's
// hash), copied into a sibling temp directory, fsync'd, and renamed into place in one step: an
// interrupted restore leaves no half-restored data directory behind.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fsyncDir, fsyncFile } from '../blobs/fs/fsync-dir.js';
import { readSnapshot, sha256File } from './backup-data-dir.js';
import { BACKUP_FORMAT, type BackupManifest, blobPath, DATABASE_FILE, MANIFEST_FILE } from './backup-format.js';

export interface RestoreOptions {
  /** the backup directory */
  from: string;
  /** the data directory to create (must not exist, or be empty) */
  dataDir: string;
}

export async function restoreDataDir(options: RestoreOptions): Promise<BackupManifest> {
  const opts = { from: resolve(options.from), dataDir: resolve(options.dataDir) };
  const manifest = await checkBackup(opts.from);
  if (existsSync(opts.dataDir) && (await readdir(opts.dataDir)).length > 0) {
    throw new Error(`${opts.dataDir} is not empty: restore into a new data directory`);
  }
  const staging = join(dirname(opts.dataDir), `.${basename(opts.dataDir)}.restoring-${randomBytes(4).toString('hex')}`);
  try {
    await cp(opts.from, staging, {
      recursive: true,
      errorOnExist: true,
      filter: (src) => basename(src) !== MANIFEST_FILE || dirname(src) !== opts.from,
    });
    await fsyncTree(staging);
    if (existsSync(opts.dataDir)) await rm(opts.dataDir, { recursive: true });
    await rename(staging, opts.dataDir);
    await fsyncDir(dirname(opts.dataDir));
    return manifest;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Proves a backup complete and undamaged: its manifest, database digest and figures, every blob's bytes. */
export async function checkBackup(dir: string): Promise<BackupManifest> {
  const manifestFile = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestFile)) throw new Error(`${dir} is not a complete backup: ${MANIFEST_FILE} is missing`);
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT) {
    throw new Error(`${manifestFile}: unknown backup format ${JSON.stringify(manifest.format)}`);
  }
  const database = join(dir, DATABASE_FILE);
  const digest = await sha256File(database);
  if (digest !== manifest.database.sha256) {
    throw new Error(`${database} is damaged: SHA-256 ${digest}, the manifest says ${manifest.database.sha256}`);
  }
  const snapshot = readSnapshot(database);
  if (snapshot.documents !== manifest.documents || snapshot.audit.entries !== manifest.audit.entries) {
    throw new Error(`${database} does not hold the documents and audit entries its manifest counts`);
  }
  for (const key of snapshot.blobKeys) {
    const file = join(dir, blobPath(key));
    if (!existsSync(file)) throw new Error(`the backup lacks blob ${key}`);
    const actual = await sha256File(file);
    if (actual !== key) throw new Error(`blob ${key} in the backup is damaged: its bytes hash to ${actual}`);
  }
  for (const rel of manifest.files) {
    if (!existsSync(join(dir, rel))) throw new Error(`the backup lacks ${rel}`);
  }
  return manifest;
}

async function fsyncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await fsyncTree(path);
    else if (entry.isFile()) await fsyncFile(path);
  }
  await fsyncDir(dir);
}
