import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type ConfigOverrides, loadConfig } from '../config/load-config.js';
import type { DemoCredentials } from '../index.js';
import { createLogger } from '../observability/create-logger.js';
import { type StartedHub, startHub } from '../server.js';
import { testHubDatabase } from '../store/postgres/postgres-test-database.js';

export interface TestHub extends StartedHub {
  dataDir: string;
  demo: DemoCredentials;
  /** everything the hub logged so far */
  logs(): string;
  /** demo credentials of one system */
  creds(code: string): { systemId: string; secret: string; apiKey: string };
  /** files below a directory of the data dir (e.g. `tmp`), recursively */
  filesUnder(sub: string): string[];
  stop(): Promise<void>;
}

/** The real hub (createHub + createServer) on a loopback port with a fresh data dir and the demo directory. */
export async function startTestHub(overrides: ConfigOverrides = {}, opts: { now?: () => Date } = {}): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-http-'));
  // LIENTHONG_TEST_DATABASE_URL: the store on a fresh PostgreSQL database instead of SQLite
  const database = await testHubDatabase();
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      ...(database ? { database: database.url } : {}),
      demo: true,
      shutdownGraceSeconds: 2,
      ...overrides,
      listen: { host: '127.0.0.1', port: 0 },
      log: { level: 'info', pretty: false },
    },
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const started = await startHub(config, {
    logger: createLogger(config.log, sink),
    installSignalHandlers: false,
    ...(opts.now ? { now: opts.now } : {}),
  });
  const demo = started.demo!;
  return {
    ...started,
    dataDir,
    demo,
    logs: () => lines.join(''),
    creds(code) {
      const c = demo.all.find((x) => x.systemId === code);
      if (!c) throw new Error(`no demo credentials for ${code}`);
      return { systemId: c.systemId, secret: c.vxpSecret, apiKey: c.apiKey };
    },
    filesUnder(sub) {
      const out: string[] = [];
      const walk = (dir: string) => {
        let names: string[];
        try {
          names = readdirSync(dir);
        } catch {
          return;
        }
        for (const n of names) {
          const p = join(dir, n);
          if (statSync(p).isDirectory()) walk(p);
          else out.push(p);
        }
      };
      walk(join(dataDir, sub));
      return out;
    },
    async stop() {
      await started.close();
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}
