// The pool of unique signed packages for the load scenarios, generated before any timed window in
// parallel child processes (pool-worker.ts), one file per worker. Senders rotate over many demo
// agencies; recipients over a fixed set (the agencies that poll in the end-to-end scenario).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PoolJob } from './pool-worker.js';

const worker = fileURLToPath(new URL('./pool-worker.js', import.meta.url));

export interface Pool {
  files: string[];
  /** [sender, recipient] of every package, in file order */
  pairs: Array<[string, string]>;
  bytes: number;
  generationSeconds: number;
}

export async function generatePool(opts: {
  dir: string;
  count: number;
  workers: number;
  senders: string[];
  recipients: string[];
  keys: Record<string, { certificate: string; key: string }>;
}): Promise<Pool> {
  const started = Date.now();
  const run = Date.now().toString(36).toUpperCase();
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < opts.count; i++) {
    const sender = opts.senders[i % opts.senders.length]!;
    const recipient = opts.recipients[Math.floor(i / opts.senders.length) % opts.recipients.length]!;
    pairs.push([sender, recipient]);
  }
  const per = Math.ceil(opts.count / opts.workers);
  const files: string[] = [];
  const runs: Array<Promise<void>> = [];
  for (let w = 0; w * per < opts.count; w++) {
    const first = w * per;
    const count = Math.min(per, opts.count - first);
    const out = join(opts.dir, `pool-${w}.bin`);
    const jobFile = join(opts.dir, `pool-${w}.json`);
    const job: PoolJob = { out, first, count, run, pairs: pairs.slice(first, first + count), keys: opts.keys };
    writeFileSync(jobFile, JSON.stringify(job));
    files.push(out);
    runs.push(
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [worker, jobFile], { stdio: ['ignore', 'inherit', 'inherit'] });
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pool worker exited with ${code}`))));
      }),
    );
  }
  await Promise.all(runs);
  let bytes = 0;
  for (const f of files) bytes += readFileSync(f).length;
  return { files, pairs, bytes, generationSeconds: (Date.now() - started) / 1000 };
}

/** Reads the pool's packages back (in order). */
export function readPool(files: string[]): Buffer[] {
  const out: Buffer[] = [];
  for (const file of files) {
    const data = readFileSync(file);
    for (let at = 0; at < data.length; ) {
      const len = data.readUInt32LE(at);
      out.push(data.subarray(at + 4, at + 4 + len));
      at += 4 + len;
    }
  }
  return out;
}
