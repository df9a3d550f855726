// initDemo: load the demo directory into an empty store and keep its credentials in
// <dataDir>/demo-credentials.json (mode 0600). A later start returns the stored file.

import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IssuedCredentials } from '../core/contract.js';
import type { Store } from '../store/store.js';
import { DEMO_DIRECTORY, DEMO_FEATURED } from './demo-directory.js';
import type { DirectoryService } from './directory-service.js';

export interface DemoCredential extends IssuedCredentials {
  name: string;
}

export interface DemoCredentials {
  /** always true: these are throw-away credentials of demo agencies */
  demo: true;
  createdAt: string;
  /** where every demo credential is kept */
  file: string;
  /** a handful of systems to start with (the codes used by the sample packages, and the tenant) */
  featured: DemoCredential[];
  /** every demo system that can connect */
  all: DemoCredential[];
}

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';

export async function initDemo(dataDir: string, store: Store, directory: DirectoryService): Promise<DemoCredentials> {
  const file = join(dataDir, DEMO_CREDENTIALS_FILE);
  const stored = await readStored(file);
  if (stored) return stored;
  if ((await store.countAgencies()) > 0) {
    return { demo: true, createdAt: new Date().toISOString(), file, featured: [], all: [] };
  }
  const loaded = await directory.addAgencies([...DEMO_DIRECTORY], (a) => !a.tenantId, 'demo');
  const all: DemoCredential[] = loaded
    .filter((x) => x.credentials)
    .map((x) => ({ name: x.agency.name, ...x.credentials! }));
  const result: DemoCredentials = {
    demo: true,
    createdAt: new Date().toISOString(),
    file,
    featured: DEMO_FEATURED.map((code) => all.find((c) => c.systemId === code)).filter((c) => c !== undefined),
    all,
  };
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
  return result;
}

async function readStored(file: string): Promise<DemoCredentials | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DemoCredentials;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
