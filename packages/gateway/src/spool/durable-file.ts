// Files that are either whole or absent: written beside their final name, flushed to disk (fsync), renamed
// over it, and the directory flushed so that the rename itself survives a power cut.

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Names a peer may give us that are safe as one file name: no separators, no leading dot, bounded. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isSafeName(name: string): boolean {
  return SAFE_NAME.test(name) && !name.includes('..');
}

export function temporaryName(path: string): string {
  return join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
}

export async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // some file systems (and platforms) cannot fsync a directory; the rename is as durable as they allow
  } finally {
    await fh?.close();
  }
}

/** Writes `content` (bytes or a stream of chunks) to `path` atomically and durably. */
export async function writeDurably(
  path: string,
  content: string | Uint8Array | AsyncIterable<Uint8Array>,
  opts: { mode?: number } = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = temporaryName(path);
  try {
    const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> =
      typeof content === 'string'
        ? [Buffer.from(content, 'utf8')]
        : content instanceof Uint8Array
          ? [content]
          : content;
    await pipeline(chunks, createWriteStream(temp, { mode: opts.mode ?? 0o640 }));
    await fsyncFile(temp);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await fsyncDir(dirname(path));
}

/** Renames `from` to `to` (same file system) and makes the rename durable. */
export async function moveDurably(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await fsyncFile(from);
  await rename(from, to);
  await fsyncDir(dirname(to));
  if (dirname(from) !== dirname(to)) await fsyncDir(dirname(from));
}
