// Blobs as files: <root>/blobs/ab/cd/<sha256>, written through <root>/tmp.

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, constants, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { BlobStore, ByteRange, TempBlob } from '../blob-store.js';
import { FsTempBlob } from './fs-temp-blob.js';

const KEY = /^[0-9a-f]{64}$/;

export class FsBlobStore implements BlobStore {
  readonly blobDir: string;
  readonly tempDir: string;

  constructor(root: string) {
    this.blobDir = join(root, 'blobs');
    this.tempDir = join(root, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.blobDir, { recursive: true, mode: 0o700 });
    await mkdir(this.tempDir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.tempDir))
      await rm(join(this.tempDir, name), { recursive: true, force: true });
  }

  pathOf = (key: string): string => {
    if (!KEY.test(key)) throw new Error(`not a blob key: ${key}`);
    return join(this.blobDir, key.slice(0, 2), key.slice(2, 4), key);
  };

  async createTemp(): Promise<TempBlob> {
    const name = `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}.part`;
    return FsTempBlob.create(join(this.tempDir, name), this.pathOf);
  }

  async has(key: string): Promise<boolean> {
    return (await this.size(key)) !== undefined;
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      return undefined;
    }
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    await access(path, constants.R_OK);
    if (!range) return createReadStream(path);
    if (range.end <= range.start) return Readable.from([]);
    // createReadStream's end is inclusive
    return createReadStream(path, { start: range.start, end: range.end - 1 });
  }

  async health(): Promise<{ ok: boolean; detail?: string }> {
    try {
      await access(this.blobDir, constants.R_OK | constants.W_OK);
      await access(this.tempDir, constants.R_OK | constants.W_OK);
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }
}
