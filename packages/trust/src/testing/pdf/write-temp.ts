// Test support: small files in one temporary directory per process (PEM files for the openssl CLI).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;

export function writeTemp(name: string, content: string | Uint8Array): string {
  dir ??= mkdtempSync(join(tmpdir(), 'lienthong-pdf-'));
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}
