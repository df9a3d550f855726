#!/usr/bin/env node
// The in-process intake micro-benchmark (packages/hub/dist/bench/intake-bench.js) of the working tree
// against a git commit, alternated: on a machine whose speed drifts by tens of percent within minutes,
// only runs taken in turn (and in swapped order at every pair) can show a change of a few percent.
//   node scripts/bench-ab.mjs <base commit> [--pairs 6] [--packages 3000] [--warmup 2000] [--clients 64]
// The base is checked out in a temporary worktree that shares this tree's node_modules (its own
// @lienthong packages linked to its own builds) and built there; both trees' builds must be current
// (`npm run build` here first). Prints each run, then the medians and how many pairs the working tree won.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const base = args[0];
if (!base || base.startsWith('--')) {
  console.error(
    'usage: node scripts/bench-ab.mjs <base commit> [--pairs 6] [--packages 3000] [--warmup 2000] [--clients 64]',
  );
  process.exit(2);
}
const pairs = option('--pairs', 6);
const packages = option('--packages', 3000);
const warmup = option('--warmup', 2000);
const clients = option('--clients', 64);

function run(cmd, argv, cwd, env = process.env) {
  const r = spawnSync(cmd, argv, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} (in ${cwd}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

const scratch = mkdtempSync(join(tmpdir(), 'lienthong-ab-'));
const worktree = join(scratch, 'base');
run('git', ['worktree', 'add', '--detach', worktree, base], root);
try {
  // node_modules: this tree's packages, but @lienthong/* pointing into the worktree's own packages
  const modules = join(worktree, 'node_modules');
  mkdirSync(join(modules, '@lienthong'), { recursive: true });
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name !== '@lienthong') symlinkSync(join(root, 'node_modules', name), join(modules, name));
  }
  for (const name of readdirSync(join(root, 'node_modules', '@lienthong'))) {
    const target = readlinkSync(join(root, 'node_modules', '@lienthong', name));
    symlinkSync(resolve(join(modules, '@lienthong'), target), join(modules, '@lienthong', name));
  }
  console.log(`building ${base} in ${worktree} …`);
  run('npx', ['tsc', '-b', 'packages/hub'], worktree);

  const trees = { base: worktree, work: root };
  const rows = { base: [], work: [] };
  const figure = (line, re) => Number(re.exec(line)?.[1]);
  for (let i = 0; i < pairs; i++) {
    for (const which of i % 2 === 0 ? ['base', 'work'] : ['work', 'base']) {
      const out = run(
        process.execPath,
        ['packages/hub/dist/bench/intake-bench.js', String(packages), String(clients)],
        trees[which],
        { ...process.env, BENCH_WARMUP: String(warmup), BENCH_INTAKE_ONLY: '1' },
      );
      const line = out.split('\n').find((l) => l.startsWith('intake:')) ?? '';
      const row = {
        rate: figure(line, /concurrent: (\d+)\/s/),
        process: figure(line, /hub process CPU ([\d.]+) ms/),
        main: figure(line, /main thread CPU ([\d.]+) ms/),
        loop: figure(line, /busy \(wall\) ([\d.]+) ms/),
      };
      rows[which].push(row);
      console.log(
        `${which === 'base' ? base.padEnd(12) : 'working tree'}  ${row.rate}/s  process ${row.process} ms  main thread ${row.main} ms  event loop ${row.loop} ms per package`,
      );
    }
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length / 2;
    return Number((s.length % 2 ? s[Math.floor(m)] : (s[m - 1] + s[m]) / 2).toFixed(2));
  };
  const summary = (which) =>
    `${median(rows[which].map((r) => r.rate))}/s, process ${median(rows[which].map((r) => r.process))} ms, main thread ${median(rows[which].map((r) => r.main))} ms, event loop ${median(rows[which].map((r) => r.loop))} ms per package`;
  const won = rows.work.filter((r, i) => r.main < rows.base[i].main).length;
  console.log(
    `\nmedians over ${pairs} pairs (${packages} packages after ${warmup} of warm-up, ${clients} concurrent):`,
  );
  console.log(`  ${base}: ${summary('base')}`);
  console.log(`  working tree: ${summary('work')}`);
  console.log(`  the working tree's main thread spent less per package in ${won} of ${pairs} pairs`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
  spawnSync('git', ['worktree', 'prune'], { cwd: root });
}
