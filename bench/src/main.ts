// The benchmark harness: each scenario runs against a hub started as its own process.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startHubProcess } from './hub-process.js';
import { runLargePackage } from './large-package.js';

const MiB = 1024 * 1024;
const args = process.argv.slice(2);
const packageMb = Number(args[args.indexOf('--package-mb') + 1] ?? 0) || 150;
// base64 with line breaks makes a package ~1.37 times its attachment
const attachmentBytes = Math.floor((packageMb * MiB) / 1.37);

const hub = await startHubProcess();
try {
  console.error(`large package: ~${packageMb} MiB package through /v1 …`);
  const large = await runLargePackage(hub, attachmentBytes);
  const results = { date: new Date().toISOString(), node: process.version, large };
  const out = fileURLToPath(new URL('../out/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}results.json`, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
} finally {
  await hub.stop();
}
