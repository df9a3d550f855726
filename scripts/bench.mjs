#!/usr/bin/env node
// `npm run bench`: build, then run the benchmark harness (bench/dist/main.js). Not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const build = spawnSync('npx', ['tsc', '-b'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync(process.execPath, ['bench/dist/main.js', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
