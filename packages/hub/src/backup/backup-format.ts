// What a backup directory of an embedded hub holds: the data directory's own layout (so that a
// restore is a copy), plus backup.json.

import { join } from 'node:path';

export const BACKUP_FORMAT = 'lienthong-backup/1';
export const MANIFEST_FILE = 'backup.json';
export const DATABASE_FILE = 'hub.sqlite';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  /** the snapshot holds every transaction committed before this instant (and possibly some after) */
  startedAt: string;
  finishedAt: string;
  sourceDataDir: string;
  schemaVersion: number;
  database: { file: string; sha256: string; size: number };
  documents: number;
  deliveries: number;
  audit: { entries: number; head?: { id: number; hash: string } };
  /** blob files (small blobs are inside the database) */
  blobs: { count: number; bytes: number };
  /** other files of the data directory (keys, PKI, demo credentials), relative paths */
  files: string[];
}

/** where the file store keeps a blob, relative to the data directory (blobs/ab/cd/<key>) */
export function blobPath(key: string): string {
  if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not a blob key: ${JSON.stringify(key)}`);
  return join('blobs', key.slice(0, 2), key.slice(2, 4), key);
}
