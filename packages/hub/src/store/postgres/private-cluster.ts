// Test support: a PostgreSQL cluster of a test's own, made with Debian's postgresql-common
// (pg_createcluster, pg_ctlcluster, pg_dropcluster), which the test may restart, stop and start
// without disturbing the shared server on 5432 that every other test uses at the same time.
// The cluster is named lt_faults_<pid>_<random>: a cluster left behind by a run that was killed is
// dropped by the next run (its pid is gone); a run still going in another worktree keeps its own.
// Trust authentication on 127.0.0.1 (initdb --auth=trust); the server runs as the `postgres` user
// (pg_ctlcluster switches to the cluster's owner when called as root).

import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** what names a cluster of this helper: lt_faults_<pid>_<hex> */
const NAME = /^lt_faults_(\d+)_[0-9a-f]+$/;
/** no postgresql-common command of a test waits longer than this */
const COMMAND_TIMEOUT_MS = 60_000;

export interface PrivateCluster {
  version: string;
  name: string;
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  adminUrl: string;
  /** pg_ctlcluster <version> <name> restart (fast: sessions are terminated, then the server comes back) */
  restart(): Promise<void>;
  /** pg_ctlcluster … stop; `immediate` is a crash (no checkpoint: committed work survives through the WAL) */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** pg_dropcluster --stop: the server, its data directory and its configuration are gone */
  drop(): Promise<void>;
  /** the server's log, for failure messages */
  log(): string;
}

/** The postgresql-common command line tools are not there (not Debian, or PostgreSQL not installed). */
export function privateClusterUnsupported(): string | undefined {
  for (const tool of ['pg_createcluster', 'pg_ctlcluster', 'pg_dropcluster', 'pg_lsclusters']) {
    const found = (process.env['PATH'] ?? '').split(':').some((dir) => dir && existsSync(`${dir}/${tool}`));
    if (!found) return `${tool} is not on the PATH (Debian's postgresql-common is needed to run a private cluster)`;
  }
  return undefined;
}

async function pgCommand(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string; killed?: boolean };
    const why = e.killed ? `timed out after ${COMMAND_TIMEOUT_MS} ms` : (e.stderr || e.stdout || e.message).trim();
    throw new Error(`${cmd} ${args.join(' ')}: ${why}`, { cause: err });
  }
}

interface ListedCluster {
  version: string;
  name: string;
  port: number;
  status: string;
  log: string;
}

async function listClusters(): Promise<ListedCluster[]> {
  const out = await pgCommand('pg_lsclusters', ['-h']);
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4)
    .map((f) => ({ version: f[0]!, name: f[1]!, port: Number(f[2]), status: f[3]!, log: f[f.length - 1]! }));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops the clusters of this helper whose run is gone (a killed test leaves its cluster behind). */
async function dropStale(clusters: ListedCluster[]): Promise<void> {
  for (const c of clusters) {
    const m = NAME.exec(c.name);
    if (m && !alive(Number(m[1])))
      await pgCommand('pg_dropcluster', ['--stop', c.version, c.name]).catch(() => undefined);
  }
}

/** The newest PostgreSQL major version installed (/usr/lib/postgresql/<version>/bin/initdb). */
function installedVersion(): string {
  const wanted = process.env['LIENTHONG_TEST_PG_VERSION'];
  if (wanted) return wanted;
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql').filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('no PostgreSQL server is installed (/usr/lib/postgresql/<version>/bin/initdb)');
  return newest;
}

/** A TCP port nobody listens on (IPv4 loopback), nor any cluster is configured for, nor has a socket file. */
async function freePort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = randomInt(20_000, 30_000);
    if (taken.has(port) || existsSync(`/var/run/postgresql/.s.PGSQL.${port}`)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/**
 * Creates and starts a cluster of the test's own. Fails with a message saying what is missing when
 * postgresql-common is not installed or the caller may not create clusters (it must run as root or
 * as the `postgres` user).
 */
export async function createPrivateCluster(): Promise<PrivateCluster> {
  const unsupported = privateClusterUnsupported();
  if (unsupported) throw new Error(`cannot create a private PostgreSQL cluster: ${unsupported}`);
  const version = installedVersion();
  const existing = await listClusters();
  await dropStale(existing);
  const taken = new Set(existing.map((c) => c.port));
  let lastError: unknown;
  // a port taken between the check and the server's bind: try another one
  for (let attempt = 1; attempt <= 3; attempt++) {
    const name = `lt_faults_${process.pid}_${randomBytes(4).toString('hex')}`;
    const port = await freePort(taken);
    taken.add(port);
    try {
      await pgCommand('pg_createcluster', [
        version,
        name,
        '--port',
        String(port),
        // small: a test's few connections and rows
        '-o',
        'shared_buffers=16MB',
        '-o',
        'max_connections=60',
        '--',
        '--auth=trust',
        '--no-sync',
        '--no-instructions',
      ]);
    } catch (err) {
      throw new Error(
        `cannot create a private PostgreSQL cluster (run the tests as root or as the postgres user): ${(err as Error).message}`,
        { cause: err },
      );
    }
    const logFile = `/var/log/postgresql/postgresql-${version}-${name}.log`;
    const ctl = (...args: string[]) => pgCommand('pg_ctlcluster', [version, name, ...args]).then(() => undefined);
    try {
      await ctl('start');
    } catch (err) {
      lastError = err;
      await pgCommand('pg_dropcluster', ['--stop', version, name]).catch(() => undefined);
      continue;
    }
    let dropped = false;
    return {
      version,
      name,
      port,
      adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
      restart: () => ctl('restart', '-m', 'fast'),
      stop: (mode = 'fast') => ctl('stop', '-m', mode),
      start: () => ctl('start'),
      drop: async () => {
        if (dropped) return;
        dropped = true;
        await pgCommand('pg_dropcluster', ['--stop', version, name]);
      },
      log: () => {
        try {
          return readFileSync(logFile, 'utf8');
        } catch {
          return '';
        }
      },
    };
  }
  throw new Error(`cannot start a private PostgreSQL cluster: ${(lastError as Error)?.message}`, { cause: lastError });
}
