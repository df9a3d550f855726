// A development CA on disk, behind `lienthong ca init|issue|revoke|crl`:
//
//   <dir>/root.pem root.key                 root CA (stand-in for the government CA)
//   <dir>/intermediate.pem intermediate.key  the CA that issues agency and hub certificates
//   <dir>/chain.pem                          intermediate then root
//   <dir>/issued/<serial>.pem <serial>.key   every certificate issued, with its key
//   <dir>/crl.pem root-crl.pem               CRLs of the intermediate and of the root
//   <dir>/state.json                         issued certificates, revocations, the last CRL number
//
// Keys are PKCS#8 PEM, mode 0600; the directory is 0700.
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { agencyCodeOf } from '../x509/agency-code.js';
import { crlToPem } from '../x509/certificate-input.js';
import { distinguishedName } from '../x509/certificate-summary.js';
import { x509 } from '../x509/peculiar.js';
import {
  type CertifiedKey,
  createCrl,
  createIntermediateCa,
  createRootCa,
  type HubCertificateOptions,
  issueAgencyCertificate,
  issueHubCertificate,
} from './issue-certificate.js';
import { type KeyType, privateKeyPem, toPrivateKey } from './key-pair.js';

export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'privilegeWithdrawn';

export interface IssuedRecord {
  serialNumber: string;
  kind: 'agency' | 'hub';
  subject: string;
  agencyCode?: string;
  notAfter: string;
  certificateFile: string;
  keyFile: string;
  revoked?: { at: string; reason: RevocationReason };
}

export interface CaState {
  version: 1;
  crlNumber: number;
  issued: IssuedRecord[];
}

export interface IssuedCertificate extends CertifiedKey {
  record: IssuedRecord;
}

export class CaDirectoryError extends Error {}

export async function initCa(
  dir: string,
  options: { keyType?: KeyType; now?: Date } = {},
): Promise<{ root: CertifiedKey; intermediate: CertifiedKey }> {
  if (existsSync(join(dir, 'root.pem'))) throw new CaDirectoryError(`${dir} already holds a CA (root.pem exists)`);
  await mkdir(join(dir, 'issued'), { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const keyType = options.keyType ?? 'rsa-3072';
  const root = await createRootCa({ keyType, ...(options.now ? { now: options.now } : {}) });
  const intermediate = await createIntermediateCa(root, { keyType, ...(options.now ? { now: options.now } : {}) });
  await writeKeyPair(dir, 'root', root);
  await writeKeyPair(dir, 'intermediate', intermediate);
  await atomicWrite(join(dir, 'chain.pem'), intermediate.certificate.toString() + root.certificate.toString(), 0o644);
  await saveState(dir, { version: 1, crlNumber: 0, issued: [] });
  await writeCrl(dir, options.now ? { now: options.now } : {});
  return { root, intermediate };
}

export async function loadCa(dir: string): Promise<{ root: CertifiedKey; intermediate: CertifiedKey }> {
  return { root: await readKeyPair(dir, 'root'), intermediate: await readKeyPair(dir, 'intermediate') };
}

export async function issueAgencyCert(
  dir: string,
  options: {
    agencyCode: string;
    name: string;
    keyType?: KeyType;
    validityDays?: number;
    now?: Date;
    clientAuth?: boolean;
  },
): Promise<IssuedCertificate> {
  const { intermediate } = await loadCa(dir);
  const issued = await issueAgencyCertificate(intermediate, options);
  return record(dir, 'agency', issued);
}

/** Issues many agency certificates with one load of the CA keys and one update of state.json. */
export async function issueAgencyCerts(
  dir: string,
  list: ReadonlyArray<{ agencyCode: string; name: string; keyType?: KeyType; validityDays?: number; now?: Date }>,
): Promise<IssuedCertificate[]> {
  const { intermediate } = await loadCa(dir);
  const issued = await Promise.all(list.map((options) => issueAgencyCertificate(intermediate, options)));
  const entries = await Promise.all(issued.map((i) => writeIssued(dir, 'agency', i)));
  const state = await loadState(dir);
  state.issued.push(...entries);
  await saveState(dir, state);
  return issued.map((i, n) => ({ ...i, record: entries[n]! }));
}

export async function issueHubCert(dir: string, options: HubCertificateOptions = {}): Promise<IssuedCertificate> {
  const { intermediate } = await loadCa(dir);
  return record(dir, 'hub', await issueHubCertificate(intermediate, options));
}

export async function revoke(
  dir: string,
  serialNumber: string,
  reason: RevocationReason = 'unspecified',
  at = new Date(),
): Promise<IssuedRecord> {
  const state = await loadState(dir);
  const entry = state.issued.find((r) => r.serialNumber === serialNumber.toUpperCase().replace(/:/g, ''));
  if (!entry) throw new CaDirectoryError(`no certificate with serial ${serialNumber} was issued by this CA`);
  entry.revoked ??= { at: at.toISOString(), reason };
  await saveState(dir, state);
  return entry;
}

/** Writes fresh CRLs of the intermediate (crl.pem) and the root (root-crl.pem) with the next CRL number. */
export async function writeCrl(
  dir: string,
  options: { now?: Date; validityDays?: number } = {},
): Promise<{ crlNumber: number; file: string; rootFile: string }> {
  const { root, intermediate } = await loadCa(dir);
  const state = await loadState(dir);
  const thisUpdate = options.now ?? new Date();
  const nextUpdate = new Date(thisUpdate.getTime() + (options.validityDays ?? 7) * 86_400_000);
  const crlNumber = state.crlNumber + 1;
  const entries = state.issued
    .filter((r) => r.revoked)
    .map((r) => ({
      serialNumber: r.serialNumber,
      revokedAt: new Date(r.revoked!.at),
      reason: x509.X509CrlReason[r.revoked!.reason],
    }));
  const crl = await createCrl(intermediate, { crlNumber, thisUpdate, nextUpdate, entries });
  const rootCrl = await createCrl(root, { crlNumber, thisUpdate, nextUpdate });
  const file = join(dir, 'crl.pem');
  const rootFile = join(dir, 'root-crl.pem');
  await atomicWrite(file, crlToPem(crl), 0o644);
  await atomicWrite(rootFile, crlToPem(rootCrl), 0o644);
  state.crlNumber = crlNumber;
  await saveState(dir, state);
  return { crlNumber, file, rootFile };
}

export async function loadState(dir: string): Promise<CaState> {
  return JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as CaState;
}

async function record(dir: string, kind: IssuedRecord['kind'], issued: CertifiedKey): Promise<IssuedCertificate> {
  const entry = await writeIssued(dir, kind, issued);
  const state = await loadState(dir);
  state.issued.push(entry);
  await saveState(dir, state);
  return { ...issued, record: entry };
}

async function writeIssued(dir: string, kind: IssuedRecord['kind'], issued: CertifiedKey): Promise<IssuedRecord> {
  const serialNumber = issued.certificate.serialNumber.toUpperCase();
  const certificateFile = join('issued', `${serialNumber}.pem`);
  const keyFile = join('issued', `${serialNumber}.key`);
  await atomicWrite(join(dir, keyFile), privateKeyPem(issued.privateKey), 0o600);
  await atomicWrite(join(dir, certificateFile), issued.certificate.toString(), 0o644);
  const agencyCode = agencyCodeOf(issued.certificate);
  return {
    serialNumber,
    kind,
    subject: distinguishedName(issued.certificate.subject),
    ...(agencyCode ? { agencyCode } : {}),
    notAfter: new Date(issued.certificate.validTo).toISOString(),
    certificateFile,
    keyFile,
  };
}

async function writeKeyPair(dir: string, name: string, pair: CertifiedKey): Promise<void> {
  await atomicWrite(join(dir, `${name}.key`), privateKeyPem(pair.privateKey), 0o600);
  await atomicWrite(join(dir, `${name}.pem`), pair.certificate.toString(), 0o644);
}

async function readKeyPair(dir: string, name: string): Promise<CertifiedKey> {
  return {
    certificate: new X509Certificate(await readFile(join(dir, `${name}.pem`))),
    privateKey: toPrivateKey(await readFile(join(dir, `${name}.key`))),
  };
}

async function saveState(dir: string, state: CaState): Promise<void> {
  await atomicWrite(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

async function atomicWrite(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}
