import type { Command } from 'commander';
import { loadHub, localConfig } from '../support/hub-module.js';
import { createOutput } from '../support/output.js';
import { parsePositiveInt } from '../support/parse-args.js';

interface ServeOptions {
  dataDir?: string;
  database?: string;
  config?: string;
  port?: number;
  host?: string;
  demo?: boolean;
  hubId?: string;
  logLevel?: string;
  tlsDev?: boolean;
  json?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the hub (VXP protocol at the root, /v1 API, operator routes)')
    .option('--data-dir <dir>', 'where the store, blobs and keys live (default: LIENTHONG_DATA_DIR or ./.lienthong)')
    .option(
      '--database <url>',
      'keep the store in PostgreSQL (postgres://…; default: LIENTHONG_DATABASE_URL, DATABASE_URL; else SQLite in the data directory)',
    )
    .option('--config <file>', 'JSON configuration file (default: LIENTHONG_CONFIG)')
    .option('--port <port>', 'TCP port; 0 picks a free one (default 8080)', parsePositiveInt)
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--demo', 'load the demo directory into an empty store')
    .option('--hub-id <id>', 'the id written into TraceHeaders')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--tls-dev', "serve HTTPS with the hub's certificate from its development CA (tls.dev)")
    .action(async (_opts: ServeOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<ServeOptions>();
      const out = createOutput(Boolean(o.json));
      const hub = await loadHub();
      const listen: Record<string, unknown> = {};
      if (o.port !== undefined) listen['port'] = o.port;
      if (o.host !== undefined) listen['host'] = o.host;
      const config = localConfig(hub, o, {
        ...(Object.keys(listen).length > 0 ? { listen } : {}),
        ...(o.demo ? { demo: true } : {}),
        ...(o.hubId ? { hubId: o.hubId } : {}),
        ...(o.logLevel ? { log: { level: o.logLevel } } : {}),
        ...(o.tlsDev ? { tls: { dev: true } } : {}),
      });
      // the hub handles SIGINT/SIGTERM itself: it drains requests, closes the store and exits
      const running = await hub.startHub(config);
      out.result(() => hub.startBanner(config, running.url, running.demo), {
        url: running.url,
        dataDir: config.dataDir,
        ...(running.demo ? { demo: running.demo } : {}),
      });
    });
}
