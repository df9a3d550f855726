// Builds the web console (packages/console → packages/console/dist, served by the hub at /) unless the
// build is newer than every source file. Used by `npm test` and `npm start`; `--force` always builds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = join(root, 'packages', 'console');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

export function buildConsole({ force = false } = {}) {
  const built = join(pkg, 'dist', 'index.html');
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json', 'package.json']
    .map((p) => join(pkg, p))
    .filter(existsSync);
  if (!force && existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newest))) return 0;
  console.error('lienthong: building the web console…');
  const r = spawnSync('npm', ['run', '--silent', 'build', '-w', '@lienthong/console'], { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(buildConsole({ force: process.argv.includes('--force') }));
}
