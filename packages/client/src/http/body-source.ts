import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { type ProgressCallback, ProgressStream } from './progress.js';

/** A package to upload: a file path, bytes, or a stream (a stream cannot be re-sent on retry). */
export type PackageSource = string | Uint8Array | Readable;

export interface PreparedBody {
  /** a fresh body for one attempt */
  open(onProgress?: ProgressCallback): Readable | Uint8Array;
  /** byte length when known (paths and bytes) */
  length: number | undefined;
  /** whether `open` may be called again */
  replayable: boolean;
}

export async function prepareBody(source: PackageSource): Promise<PreparedBody> {
  if (typeof source === 'string') {
    const length = (await stat(source)).size;
    return {
      length,
      replayable: true,
      open: (onProgress) => withProgress(createReadStream(source), length, onProgress),
    };
  }
  if (source instanceof Uint8Array) {
    return {
      length: source.length,
      replayable: true,
      open: (onProgress) => (onProgress ? withProgress(Readable.from([source]), source.length, onProgress) : source),
    };
  }
  let used = false;
  return {
    length: undefined,
    replayable: false,
    open: (onProgress) => {
      if (used) throw new Error('a stream body cannot be sent twice');
      used = true;
      return withProgress(source, undefined, onProgress);
    },
  };
}

function withProgress(stream: Readable, length: number | undefined, onProgress?: ProgressCallback): Readable {
  return onProgress ? stream.pipe(new ProgressStream(length, onProgress)) : stream;
}

/** Lowercase hex SHA-256 of a path or bytes, streaming the file. */
export async function sha256Hex(source: string | Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  if (typeof source === 'string') {
    for await (const chunk of createReadStream(source)) hash.update(chunk as Buffer);
  } else hash.update(source);
  return hash.digest('hex');
}
