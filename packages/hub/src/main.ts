#!/usr/bin/env node
// lienthong-hub: start the hub. Flags win over the environment (LIENTHONG_*), which wins over --config FILE.
import { parseArgs } from 'node:util';
import { ConfigError } from './config/config-error.js';
import { type ConfigOverrides, loadConfig } from './config/load-config.js';
import { startBanner } from './observability/start-banner.js';
import { startHub } from './server.js';

const USAGE = `usage: lienthong-hub [--config FILE] [--data-dir DIR] [--database URL] [--host HOST] [--port PORT] [--hub-id ID] [--demo] [--tls-dev]

  --config FILE    JSON configuration file (also LIENTHONG_CONFIG)
  --data-dir DIR   where the store, blobs and temp files live (default ./.lienthong)
  --database URL   keep the store in PostgreSQL (postgres://…; also LIENTHONG_DATABASE_URL, DATABASE_URL)
                   instead of the embedded SQLite file in the data directory
  --host HOST      interface to listen on (default 127.0.0.1)
  --port PORT      TCP port (default 8080; 0 picks a free one)
  --hub-id ID      the id written into TraceHeaders (default lienthong.hub)
  --demo           load the demo directory into an empty store and print demo credentials
  --tls-dev        serve HTTPS with the hub's own certificate from the development CA (tls.dev)
Every key and its LIENTHONG_* variable: docs/configuration.md`;

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        config: { type: 'string' },
        'data-dir': { type: 'string' },
        database: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'hub-id': { type: 'string' },
        demo: { type: 'boolean' },
        'tls-dev': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`lienthong-hub: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const overrides = {
    dataDir: values['data-dir'],
    database: values.database,
    hubId: values['hub-id'],
    demo: values.demo,
    listen: { host: values.host, port: values.port },
    tls: { dev: values['tls-dev'] },
  } as unknown as ConfigOverrides;
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ configFile: values.config as string | undefined, overrides });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`lienthong-hub: configuration error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const started = await startHub(config);
  process.stdout.write(startBanner(config, started.url, started.demo));
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: Error) => {
    process.stderr.write(`lienthong-hub: cannot start: ${err.message}\n`);
    process.exit(1);
  },
);
