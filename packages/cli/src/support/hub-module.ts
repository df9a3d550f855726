// The hub is loaded only by the commands that need it (`serve`, `agency …`), so that client
// commands start without loading the server, its database driver and its dependencies.
import type { Hub, HubConfig } from '@lienthong/hub';

export type HubModule = typeof import('@lienthong/hub');

export async function loadHub(): Promise<HubModule> {
  return import('@lienthong/hub');
}

export interface HubDirOptions {
  dataDir?: string;
  /** PostgreSQL URL of the hub's store (config key `database`) */
  database?: string;
  config?: string;
}

/** The configuration of a local hub: its config file and environment, with the flags on top. */
export function localConfig(hub: HubModule, o: HubDirOptions, overrides: Record<string, unknown> = {}): HubConfig {
  return hub.loadConfig({
    ...(o.config ? { configFile: o.config } : {}),
    overrides: {
      ...(o.dataDir ? { dataDir: o.dataDir } : {}),
      ...(o.database ? { database: o.database } : {}),
      ...overrides,
    },
  });
}

/** Open the hub of a local data directory for administration, and close it afterwards. */
export async function withLocalHub<T>(o: HubDirOptions, fn: (hub: Hub) => Promise<T>): Promise<T> {
  const mod = await loadHub();
  const config = localConfig(mod, o);
  const hub = await mod.createHub(config, {
    logger: mod.createLogger({ level: 'warn', pretty: false }, process.stderr),
  });
  try {
    return await fn(hub);
  } finally {
    await hub.close();
  }
}
