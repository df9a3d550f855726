import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const hubMain = fileURLToPath(new URL('../../packages/hub/dist/main.js', import.meta.url));

/** A hub running as its own process, as operators run it, on a free loopback port and a temp data dir. */
export interface HubProcess {
  url: string;
  pid: number;
  dataDir: string;
  demoCredentials(): unknown;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface HubProcessOptions {
  /** a data directory to copy (same dev CA, demo keys and directory as every other copy); else a fresh demo hub */
  template?: string;
  /** keep the data directory when stopped (the template itself) */
  keep?: boolean;
  /** Node's own options for the hub process (e.g. --cpu-prof) */
  nodeArgs?: string[];
}

/** The hub's command-line arguments and environment for a store backend (`--store`). */
export interface StoreSelection {
  args: string[];
  env: NodeJS.ProcessEnv;
  /** a store of its own for one hub, as empty as the template (PostgreSQL: a clone of the template database) */
  freshForHub?(): StoreSelection;
  /** removes what the selection created (called when its hub stops, or at the end of the run) */
  dispose?(): void;
}

export async function startHubProcess(
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
  options: HubProcessOptions = {},
): Promise<HubProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-bench-'));
  if (options.template) cpSync(options.template, dataDir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      hubMain,
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--demo',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LIENTHONG_LOG_LEVEL: 'warn', ...env } },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub exited with code ${child.exitCode} during start-up`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('hub did not become ready within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    dataDir,
    demoCredentials: () => JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
