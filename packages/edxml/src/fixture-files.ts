// Test support: locating the shared fixtures and feeding bytes to the parser in chosen chunk sizes.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttachmentSink, AttachmentWriter } from './contract.js';

export const FIXTURES = ['edoc_new.edxml', 'edoc_update.edxml', 'status_processing_05.edxml'] as const;

/** `<repo>/../shared/fixtures/edxml`, the repo root being the first ancestor whose package.json has workspaces. */
export function fixturesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in JSON.parse(readFileSync(manifest, 'utf8'))) {
      return join(dir, '..', 'shared', 'fixtures', 'edxml');
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root (package.json with workspaces) not found');
    dir = parent;
  }
}

export function readFixture(name: string): Buffer {
  return readFileSync(join(fixturesDir(), name));
}

/** Yields `bytes` in chunks of `size` (the whole buffer when size is Infinity). */
export async function* chunks(bytes: Uint8Array | string, size = Number.POSITIVE_INFINITY): AsyncIterable<Buffer> {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  if (buf.length === 0) return;
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, Math.min(buf.length, i + size));
}

/** A sink that keeps every attachment in memory and records what happened to each writer. */
export class MemorySink implements AttachmentSink {
  readonly files: { index: number; chunks: Buffer[]; ended: boolean; aborted: boolean }[] = [];

  begin(index: number): AttachmentWriter {
    const file = { index, chunks: [] as Buffer[], ended: false, aborted: false };
    this.files.push(file);
    return {
      write: async (chunk) => {
        file.chunks.push(Buffer.from(chunk));
      },
      end: (info) => {
        file.ended = true;
        return `memory:${index}:${info.sha256}`;
      },
      abort: () => {
        file.aborted = true;
      },
    };
  }

  bytes(index: number): Buffer {
    return Buffer.concat(this.files[index]?.chunks ?? []);
  }
}
