#!/usr/bin/env node
// `npm start`: on a fresh clone, install and build first, then run the hub on embedded storage
// with the demo directory. Extra arguments go to the hub: `npm start -- --port 9000`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsole } from './build-console.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

const step = (what, cmd, args) => {
  console.error(`lienthong: ${what}…`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`lienthong: ${what} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
};

if (!existsSync(join(root, 'node_modules', '.package-lock.json')))
  step('installing dependencies (first run)', 'npm', ['ci']);
step('building', 'npx', ['tsc', '-b']);
if (buildConsole() !== 0) {
  console.error('lienthong: building the web console failed');
  process.exit(1);
}

const args = process.argv.slice(2);
const hubArgs = args.includes('--no-demo') ? args.filter((a) => a !== '--no-demo') : ['--demo', ...args];
const child = spawn(process.execPath, [join(root, 'packages/hub/dist/main.js'), ...hubArgs], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
