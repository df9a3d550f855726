// The benchmark harness (`npm run bench`): runs the scenarios, writes bench/out/results.json and
// docs/BENCHMARKS.md. `--only large,verify` picks scenarios; `--package-mb N`, `--seconds N` size them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startHubProcess } from './hub-process.js';
import { runLargePackage } from './large-package.js';
import { type BenchResults, renderReport } from './report.js';
import { runVerify } from './verify-scenario.js';

const MiB = 1024 * 1024;
const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = option('--only')?.split(',');
const wanted = (name: string) => !only || only.includes(name);
const packageMb = Number(option('--package-mb')) || 150;
const seconds = Number(option('--seconds')) || 3;

const cpuList = cpus();
const results: BenchResults = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: `${cpuList.length} × ${cpuList[0]?.model.trim() ?? 'unknown CPU'}`,
};

if (wanted('large')) {
  // base64 makes a package 4/3 of its attachment (the builder writes it without line breaks)
  const attachmentBytes = Math.floor((packageMb * MiB * 3) / 4);
  console.error(`large: ~${packageMb} MiB package through /v1 …`);
  const hub = await startHubProcess();
  try {
    results.large = await runLargePackage(hub, attachmentBytes);
  } finally {
    await hub.stop();
  }
}
if (wanted('verify')) {
  console.error(`verify: signature verification, ${seconds} s per verifier …`);
  results.verify = runVerify(seconds);
}

const out = fileURLToPath(new URL('../out/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}results.json`, `${JSON.stringify(results, null, 2)}\n`);
const report = fileURLToPath(new URL('../../docs/BENCHMARKS.md', import.meta.url));
writeFileSync(report, renderReport(results));
console.log(renderReport(results));
