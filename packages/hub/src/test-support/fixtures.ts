import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the first directory above this file whose package.json declares workspaces. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).workspaces) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('no workspace root above this file');
    dir = up;
  }
}

/** `shared/fixtures/edxml/<name>`, the vendor-published sample packages. */
export function fixturePath(name: string): string {
  return join(repoRoot(), '..', 'shared', 'fixtures', 'edxml', name);
}

export function readFixture(name: string): Buffer {
  return readFileSync(fixturePath(name));
}
