import { open } from 'node:fs/promises';

/** Makes a directory's entries (a rename into it, a new child) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes a file's written bytes durable (fsync through a fresh descriptor: fsync is per file, not per descriptor). */
export async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
