// startGateway: the tenants, their loops and the local API, from a configuration; close() stops it all.

import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { type GatewayConfig, type ParseConfigOptions, parseGatewayConfig } from './config/gateway-config.js';
import { createLocalApi } from './http/local-api.js';
import { GatewayMetrics } from './support/metrics.js';
import { Tenant, type TenantStatus } from './tenant/tenant.js';
import type { GatewayHooks } from './tenant/tenant-context.js';

export interface StartGatewayOptions extends ParseConfigOptions {
  /** default: pino at the configured level, on stderr */
  logger?: Logger;
  /** test hooks (see GatewayHooks) */
  hooks?: GatewayHooks;
}

export interface RunningGateway {
  /** the local API, e.g. `http://127.0.0.1:8090` */
  url: string;
  config: GatewayConfig;
  status(): { tenants: TenantStatus[] };
  /** stops the loops (an exchange in flight is abandoned: the spool is built for that), closes the API and the spools */
  close(): Promise<void>;
}

/** `input`: the configuration object as in gateway.json (checked here), or one loadGatewayConfig returned. */
export async function startGateway(input: unknown, opts: StartGatewayOptions = {}): Promise<RunningGateway> {
  const config = parseGatewayConfig(input, opts);
  const logger =
    opts.logger ??
    pino(
      { level: config.log.level, redact: { paths: ['apiKey', '*.apiKey', 'localToken'], remove: true } },
      pino.destination(2),
    );
  await mkdir(config.dataDir, { recursive: true, mode: 0o750 });
  const abort = new AbortController();
  const metrics = new GatewayMetrics();
  const tenants = new Map<string, Tenant>();
  for (const tc of config.tenants) {
    tenants.set(
      tc.agency,
      await Tenant.start(tc, config, { logger, metrics, hooks: opts.hooks ?? {}, signal: abort.signal }),
    );
  }
  const server = createLocalApi({ config, tenants, metrics, logger });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.listen.port, config.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    abort.abort();
    await Promise.all([...tenants.values()].map((t) => t.close()));
    throw new Error(`cannot listen on ${config.listen.host}:${config.listen.port}: ${(e as Error).message}`);
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, tenants: config.tenants.map((t) => t.agency), hub: config.hub.url }, 'gateway listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    config,
    status: () => ({ tenants: [...tenants.values()].map((t) => t.status()) }),
    close() {
      closing ??= (async () => {
        abort.abort();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await Promise.all([...tenants.values()].map((t) => t.close()));
        logger.info('gateway stopped');
      })();
      return closing;
    },
  };
}
