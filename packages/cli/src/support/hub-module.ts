// The hub is loaded only by the commands that need it (`serve`, `agency …`), so that client
// commands start without loading the server, its database driver and its dependencies.
import type { HubConfig, HubService } from '@lienthong/hub';

export interface StartedHub {
  url: string;
  demo?: unknown;
  close(): Promise<void>;
}

export interface HubModule {
  loadConfig(opts: { configFile?: string; overrides?: Record<string, unknown> }): HubConfig;
  startHub(config: HubConfig, opts?: { installSignalHandlers?: boolean }): Promise<StartedHub>;
  createHub(config: HubConfig, deps: { logger: unknown }): Promise<HubService>;
  createLogger(log: HubConfig['log']): unknown;
  startBanner?(config: HubConfig, url: string, demo?: unknown): string;
}

/**
 * The hub's entry points. The package root exports what it exports; the rest is taken from the
 * modules beside its entry file (server, config loader, logger), which the package does not list.
 */
export async function loadHub(): Promise<HubModule> {
  const root = (await import('@lienthong/hub')) as Record<string, unknown>;
  const entry = import.meta.resolve('@lienthong/hub');
  const ext = entry.endsWith('.ts') ? '.ts' : '.js';
  const sibling = async (path: string): Promise<Record<string, unknown>> =>
    (await import(new URL(`./${path}${ext}`, entry).href)) as Record<string, unknown>;
  const pick = async (name: string, path: string, optional = false): Promise<unknown> => {
    if (root[name] !== undefined) return root[name];
    try {
      const value = (await sibling(path))[name];
      if (value !== undefined || optional) return value;
    } catch (err) {
      if (optional) return undefined;
      throw err;
    }
    throw new Error(`@lienthong/hub does not provide ${name}`);
  };
  return {
    loadConfig: (await pick('loadConfig', 'config/load-config')) as HubModule['loadConfig'],
    startHub: (await pick('startHub', 'server')) as HubModule['startHub'],
    createHub: (await pick('createHub', 'core/create-hub')) as HubModule['createHub'],
    createLogger: (await pick('createLogger', 'observability/create-logger')) as HubModule['createLogger'],
    startBanner: (await pick('startBanner', 'observability/start-banner', true)) as HubModule['startBanner'],
  };
}

export interface HubDirOptions {
  dataDir?: string;
  config?: string;
}

/** The configuration of a local hub: its config file and environment, with the flags on top. */
export function localConfig(hub: HubModule, o: HubDirOptions, overrides: Record<string, unknown> = {}): HubConfig {
  return hub.loadConfig({
    ...(o.config ? { configFile: o.config } : {}),
    overrides: { ...(o.dataDir ? { dataDir: o.dataDir } : {}), ...overrides },
  });
}

/** Open the hub of a local data directory for administration, and close it afterwards. */
export async function withLocalHub<T>(o: HubDirOptions, fn: (hub: HubService) => Promise<T>): Promise<T> {
  const mod = await loadHub();
  const config = localConfig(mod, o);
  const hub = await mod.createHub(config, { logger: mod.createLogger({ level: 'warn', pretty: false }) });
  try {
    return await fn(hub);
  } finally {
    await hub.close();
  }
}
