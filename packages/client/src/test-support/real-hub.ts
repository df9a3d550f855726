// Starts the real hub (@lienthong/hub) on loopback in a temporary data directory, for the SDK's
// integration tests. The hub depends on this package, so it is loaded at run time rather than
// through a project reference.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Credentials {
  systemId: string;
  vxpSecret: string;
  apiKey: string;
}

export interface RealHub {
  url: string;
  dataDir: string;
  addAgency(code: string, name: string): Promise<Credentials>;
  close(): Promise<void>;
}

interface Started {
  url: string;
  hub: { addAgency(input: { code: string; name: string }): Promise<{ credentials: Credentials }> };
  close(): Promise<void>;
}

const HUB_PACKAGE = '@lienthong/hub';

// The SDK does not depend on the hub (the hub's tests use the SDK), so the hub is loaded by name.
async function hubExport<T>(name: string): Promise<T> {
  const hub = (await import(HUB_PACKAGE)) as Record<string, unknown>;
  if (hub[name] === undefined) throw new Error(`${HUB_PACKAGE} does not export ${name}`);
  return hub[name] as T;
}

/** `overrides`: hub configuration on top of the test defaults, e.g. `{ tls: { dev: true } }`. */
export async function startRealHub(overrides: Record<string, unknown> = {}): Promise<RealHub> {
  const loadConfig = await hubExport<(o: object) => object>('loadConfig');
  const startHub = await hubExport<(c: object, o: object) => Promise<Started>>('startHub');
  const dataDir = await mkdtemp(join(tmpdir(), 'lienthong-client-test-'));
  const config = loadConfig({
    env: {},
    overrides: { dataDir, listen: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' }, ...overrides },
  });
  const started = await startHub(config, { installSignalHandlers: false });
  return {
    url: started.url,
    dataDir,
    addAgency: async (code, name) => (await started.hub.addAgency({ code, name })).credentials,
    close: async () => {
      await started.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
