// DEMO ONLY. A signing certificate from the development CA for every demo agency, so that a fresh
// hub can be tried with signed packages: <dataDir>/demo-keys/<code>.key (0600) and <code>.pem (the
// agency's certificate followed by the intermediate CA's). ECDSA P-256: ~110 certificates in well
// under a second, issued in one batch recorded in the CA's state.json (so `lienthong ca revoke` works).

import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { issueAgencyCerts, privateKeyPem } from '@lienthong/trust';

export const DEMO_KEYS_DIR = 'demo-keys';

export interface DemoKeyFiles {
  /** PEM: the agency's certificate, then the intermediate CA's */
  certificate: string;
  /** PEM: the unencrypted PKCS#8 private key */
  key: string;
}

export async function issueDemoCertificates(
  dataDir: string,
  caDir: string,
  agencies: ReadonlyArray<{ code: string; name: string }>,
): Promise<Map<string, DemoKeyFiles>> {
  const dir = join(dataDir, DEMO_KEYS_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const intermediate = await readFile(join(caDir, 'intermediate.pem'), 'utf8');
  const issued = await issueAgencyCerts(
    caDir,
    agencies.map((a) => ({ agencyCode: a.code, name: a.name, keyType: 'ec-p256' as const })),
  );
  const out = new Map<string, DemoKeyFiles>();
  await Promise.all(
    agencies.map(async (a, i) => {
      const files = { certificate: join(dir, `${a.code}.pem`), key: join(dir, `${a.code}.key`) };
      await atomicWrite(files.key, privateKeyPem(issued[i]!.privateKey), 0o600);
      await atomicWrite(files.certificate, issued[i]!.certificate.toString() + intermediate, 0o644);
      out.set(a.code, files);
    }),
  );
  return out;
}

async function atomicWrite(file: string, text: string, mode: number): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode });
  await chmod(temp, mode);
  await rename(temp, file);
}
