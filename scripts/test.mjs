#!/usr/bin/env node
// `npm test`: build (typecheck) every workspace, then run every compiled *.test.js with node:test.
// Pass file or directory filters as arguments to run a subset: `npm test -- edxml`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsole } from './build-console.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

if (!existsSync(join(root, 'node_modules'))) run('npm', ['ci']);
run('npx', ['tsc', '-b']);
// the web console's SPA (its browser test drives the build the hub serves)
if (buildConsole() !== 0) process.exit(1);

const filters = process.argv.slice(2);
const files = [];
for (const pkg of readdirSync('packages')) walk(join('packages', pkg, 'dist'));
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...selected], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);

function walk(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(relative(root, p));
  }
}
function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
