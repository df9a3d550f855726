// Scenario: the operator dashboard on a large store. Runs the hub's own dashboard bench
// (packages/hub/dist/bench/dashboard-bench.js) in a child process: it fills an embedded store with
// `documents` packages directly, restarts the hub, lets the statistics aggregator catch up, then measures
// GET /console/api/ops/dashboard over HTTP per filter combination (40 sequential requests each: p50, p99,
// max wall time, and CPU per request of the process, which holds the hub and the HTTP client) and the
// document search. Its figures come back as JSON (--json FILE). The data directory is removed afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../packages/hub/dist/bench/dashboard-bench.js', import.meta.url));

export interface DashboardRow {
  name: string;
  kind: 'dashboard' | 'search';
  p50: number;
  p99: number;
  max: number;
  cpuMs: number;
}

export interface DashboardResult {
  documents: number;
  requestsPerCombination: number;
  fillSeconds?: number;
  deliveries?: number;
  catchUp: { packages: number; seconds: number; cpuSeconds: number };
  kpis?: Record<string, number>;
  rows: DashboardRow[];
  loadAverageAtEnd: number;
}

export async function runDashboard(documents: number): Promise<DashboardResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-bench-dashboard-'));
  const json = join(dir, 'dashboard.json');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [script, String(documents), '--keep', join(dir, 'data'), '--json', json], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      // progress lines go through to the harness's console
      child.stdout.on('data', (b: Buffer) => process.stderr.write(`  ${b.toString().replace(/\n(?=.)/g, '\n  ')}`));
      child.stderr.on('data', (b: Buffer) => {
        stderr = (stderr + b.toString()).slice(-4000);
      });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`dashboard bench exited ${code}: ${stderr.trim()}`)),
      );
    });
    return JSON.parse(readFileSync(json, 'utf8')) as DashboardResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
