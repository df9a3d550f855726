// Test support: a development PKI (root, intermediate, agency and hub certificates) made once per
// process, with PEM files in a temporary directory for the openssl and xmlsec1 command lines.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CertifiedKey,
  createIntermediateCa,
  createRootCa,
  issueAgencyCertificate,
  issueHubCertificate,
} from '../pki/issue-certificate.js';
import { privateKeyPem } from '../pki/key-pair.js';

export interface TestPki {
  dir: string;
  root: CertifiedKey;
  intermediate: CertifiedKey;
  agencyRsa: CertifiedKey;
  agencyEc: CertifiedKey;
  hub: CertifiedKey;
  /** PEM file paths */
  files: {
    root: string;
    intermediate: string;
    agencyRsaCert: string;
    agencyRsaKey: string;
    agencyEcCert: string;
    agencyEcKey: string;
  };
}

let pending: Promise<TestPki> | undefined;

export function testPki(): Promise<TestPki> {
  pending ??= make();
  return pending;
}

async function make(): Promise<TestPki> {
  const root = await createRootCa({ keyType: 'ec-p256' });
  const intermediate = await createIntermediateCa(root, { keyType: 'ec-p256' });
  const agencyRsa = await issueAgencyCertificate(intermediate, {
    agencyCode: '000.00.00.G22',
    name: 'Văn phòng Chính phủ',
    keyType: 'rsa-2048',
  });
  const agencyEc = await issueAgencyCertificate(intermediate, {
    agencyCode: '000.00.00.H41',
    name: 'UBND Tỉnh Nghệ An',
    keyType: 'ec-p256',
  });
  const hub = await issueHubCertificate(intermediate, { keyType: 'ec-p256' });
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-trust-pki-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  return {
    dir,
    root,
    intermediate,
    agencyRsa,
    agencyEc,
    hub,
    files: {
      root: write('root.pem', root.certificate.toString()),
      intermediate: write('intermediate.pem', intermediate.certificate.toString()),
      agencyRsaCert: write('agency-rsa.pem', agencyRsa.certificate.toString()),
      agencyRsaKey: write('agency-rsa.key', privateKeyPem(agencyRsa.privateKey)),
      agencyEcCert: write('agency-ec.pem', agencyEc.certificate.toString()),
      agencyEcKey: write('agency-ec.key', privateKeyPem(agencyEc.privateKey)),
    },
  };
}
