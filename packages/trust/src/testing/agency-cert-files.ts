// Test support: an agency certificate from a development CA directory, written as PEM files for tests that hand a
// client certificate to the command line or the SDK. Exported as `@lienthong/trust/testing/agency-cert-files`.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { issueAgencyCert } from '../pki/ca-directory.js';
import { privateKeyPem } from '../pki/key-pair.js';

export interface AgencyCertFiles {
  /** the certificate (PEM) */
  cert: string;
  /** its private key (PEM, mode 0600) */
  key: string;
}

/** Issues `code` an ec-p256 certificate named by its code from the CA in `caDir`; writes `<dir>/<code>.pem` and `.key`. */
export async function writeAgencyCertFiles(caDir: string, code: string, dir: string): Promise<AgencyCertFiles> {
  const issued = await issueAgencyCert(caDir, { agencyCode: code, name: code, keyType: 'ec-p256' });
  const files = { cert: join(dir, `${code}.pem`), key: join(dir, `${code}.key`) };
  await writeFile(files.cert, issued.certificate.toString());
  await writeFile(files.key, privateKeyPem(issued.privateKey), { mode: 0o600 });
  return files;
}
