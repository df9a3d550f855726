// The hub is loaded only by the commands that need it (`serve`, `agency …`), so that client
// commands start without loading the server, its database driver and its dependencies.
import type { HubConfig, HubService } from '@lienthong/hub';

export interface RunningHub {
  url: string;
  close(): Promise<void>;
}

export interface HubModule {
  loadConfig(opts: { configFile?: string; overrides?: Record<string, unknown> }): HubConfig;
  startHub(config: HubConfig): Promise<RunningHub>;
  createHub(config: HubConfig, deps: { logger: unknown }): Promise<HubService & AdminService>;
  createLogger(log: HubConfig['log']): unknown;
}

/** Administration the CLI needs beyond the HubService contract. */
export interface AdminService {
  initDemo?(): Promise<unknown>;
}

export async function loadHub(): Promise<HubModule> {
  return (await import('@lienthong/hub')) as unknown as HubModule;
}

export interface HubDirOptions {
  dataDir?: string;
  config?: string;
}

/** The configuration of a local hub: its config file and environment, with the data dir from the flag. */
export function localConfig(hub: HubModule, o: HubDirOptions, overrides: Record<string, unknown> = {}): HubConfig {
  return hub.loadConfig({
    ...(o.config ? { configFile: o.config } : {}),
    overrides: { ...(o.dataDir ? { dataDir: o.dataDir } : {}), ...overrides },
  });
}

/** Open the hub of a local data directory for administration, and close it afterwards. */
export async function withLocalHub<T>(
  o: HubDirOptions,
  fn: (hub: HubService & AdminService) => Promise<T>,
): Promise<T> {
  const mod = await loadHub();
  const config = localConfig(mod, o, { log: { level: 'warn', pretty: false } });
  const hub = await mod.createHub(config, { logger: mod.createLogger({ level: 'warn', pretty: false }) });
  try {
    return await fn(hub);
  } finally {
    await hub.close();
  }
}
