// Scenario: signature verification throughput on one core — Lienthong next to xmlsec1 and xml-crypto
// on the same signed package, in the same run — and peak memory of signing and verifying a 100 MiB
// attachment. Runs the trust package's own bench script and reads its JSON summary line. The script
// leaves its packages (≈134 MB) in the temp directory: it runs with TMPDIR pointing at a directory of
// ours, removed afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../packages/trust/dist/bench/verify-bench.js', import.meta.url));

export interface VerifyResult {
  packageBytes: number;
  seconds: number;
  throughput: Array<{ label: string; perSecond: number; runs: number }>;
  large: { signing: { maxRssMiB: number; ms: number }; verifying: { maxRssMiB: number; ms: number } };
}

export function runVerify(seconds: number): VerifyResult {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-bench-verify-'));
  try {
    const out = spawnSync(process.execPath, [script, '--seconds', String(seconds)], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, TMPDIR: dir },
    });
    if (out.status !== 0) throw new Error(`verify bench failed: ${out.stderr}`);
    const summary = out.stdout.trim().split('\n').at(-1) ?? '';
    return JSON.parse(summary) as VerifyResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
