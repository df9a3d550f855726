// initDemo: load the demo directory into an empty store, issue every demo agency a signing
// certificate from the development CA, and keep credentials and key paths in
// <dataDir>/demo-credentials.json (mode 0600). A later start returns the stored file (issuing the
// certificates first if the file predates them).

import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IssuedCredentials } from '../core/contract.js';
import type { Store } from '../store/store.js';
import { type DemoKeyFiles, issueDemoCertificates } from './demo-certificates.js';
import { DEMO_DIRECTORY, DEMO_FEATURED } from './demo-directory.js';
import type { DirectoryService } from './directory-service.js';

export interface DemoCredential extends IssuedCredentials {
  name: string;
  /** the agency's signing certificate (PEM, with the intermediate CA) — when the hub runs a development CA */
  certificate?: string;
  /** its private key (PEM, mode 0600) */
  key?: string;
}

/** A unit registered by a tenant: no credentials of its own (it connects through the tenant), but its own certificate. */
export interface DemoUnitCertificate extends DemoKeyFiles {
  code: string;
  name: string;
  tenantId: string;
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
  /** signing certificates of the tenants' units */
  units?: DemoUnitCertificate[];
  /** web console accounts (console/demo-accounts.ts) */
  console?: DemoConsoleAccount[];
}

/** A demo account of the web console, with its password. */
export interface DemoConsoleAccount {
  username: string;
  password: string;
  role: 'national_operator' | 'provincial_operator' | 'auditor' | 'clerk';
  agencyCode?: string;
  displayName: string;
}

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';

export async function initDemo(
  dataDir: string,
  store: Store,
  directory: DirectoryService,
  caDir: string | undefined,
): Promise<DemoCredentials> {
  const file = join(dataDir, DEMO_CREDENTIALS_FILE);
  const stored = await readStored(file);
  if (stored) {
    if (!caDir || stored.all.length === 0 || stored.all.every((c) => c.certificate)) return stored;
    return save(file, await withCertificates(stored, dataDir, caDir));
  }
  if ((await store.countAgencies()) > 0) {
    return { demo: true, createdAt: new Date().toISOString(), file, featured: [], all: [] };
  }
  const loaded = await directory.addAgencies([...DEMO_DIRECTORY], (a) => !a.tenantId, 'demo');
  const all: DemoCredential[] = loaded
    .filter((x) => x.credentials)
    .map((x) => ({ name: x.agency.name, ...x.credentials! }));
  const result: DemoCredentials = { demo: true, createdAt: new Date().toISOString(), file, featured: [], all };
  return save(file, caDir ? await withCertificates(result, dataDir, caDir) : withFeatured(result));
}

async function withCertificates(creds: DemoCredentials, dataDir: string, caDir: string): Promise<DemoCredentials> {
  const issued = await issueDemoCertificates(dataDir, caDir, DEMO_DIRECTORY);
  const all = creds.all.map((c) => ({ ...c, ...issued.get(c.systemId) }));
  const units = DEMO_DIRECTORY.filter((a) => a.tenantId).map((a) => ({
    code: a.code,
    name: a.name,
    tenantId: a.tenantId!,
    ...issued.get(a.code)!,
  }));
  return withFeatured({ ...creds, all, units });
}

function withFeatured(creds: DemoCredentials): DemoCredentials {
  const featured = DEMO_FEATURED.map((code) => creds.all.find((c) => c.systemId === code));
  return { ...creds, featured: featured.filter((c) => c !== undefined) };
}

async function save(file: string, creds: DemoCredentials): Promise<DemoCredentials> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
  return creds;
}

async function readStored(file: string): Promise<DemoCredentials | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DemoCredentials;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
