// Test support: the shared edXML fixtures and chunked byte sources.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Yields `bytes` in chunks of `size`. */
export async function* chunked(bytes: Uint8Array | string, size = 64 * 1024): AsyncIterable<Buffer> {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
