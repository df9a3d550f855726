// The agencies' signing keys, with which the console signs the documents their clerks compose: the
// private key (PKCS#8 PEM) sealed with the hub's master key (AES-256-GCM, context `signing-key:<code>`),
// the certificate chain in clear. Demo agencies' keys are imported from <dataDir>/demo-keys by initDemo.

import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { HubContext } from '../../core/hub-context.js';
import { loadMasterKey } from '../../directory/master-key.js';
import { SecretSealer } from '../../directory/secret-sealer.js';

export interface AgencySigningKey {
  keyPem: string;
  certificatePem: string;
}

export class AgencySigningKeys {
  private sealer: Promise<SecretSealer> | undefined;

  constructor(private readonly ctx: HubContext) {}

  private seal(): Promise<SecretSealer> {
    this.sealer ??= loadMasterKey(this.ctx.config.dataDir).then((k) => new SecretSealer(k));
    return this.sealer;
  }

  /** Stores (or replaces) an agency's key; refuses a key that does not belong to the certificate. */
  async put(agencyCode: string, keyPem: string, certificatePem: string): Promise<void> {
    const key = createPrivateKey(keyPem);
    const cert = new X509Certificate(certificatePem);
    if (!cert.checkPrivateKey(key))
      throw new Error(`${agencyCode}: the private key does not belong to the certificate`);
    const sealer = await this.seal();
    await this.ctx.store.putAgencySigningKey({
      agencyCode,
      keySealed: sealer.seal(keyPem, `signing-key:${agencyCode}`),
      certificate: certificatePem,
      createdAt: new Date(),
    });
  }

  async get(agencyCode: string): Promise<AgencySigningKey | undefined> {
    const row = await this.ctx.store.getAgencySigningKey(agencyCode);
    if (!row) return undefined;
    const sealer = await this.seal();
    return { keyPem: sealer.open(row.keySealed, `signing-key:${agencyCode}`), certificatePem: row.certificate };
  }

  /** Imports key files (demo agencies: <dataDir>/demo-keys/<code>.key and .pem) of agencies that have none yet. */
  async importFiles(files: ReadonlyArray<{ code: string; key: string; certificate: string }>): Promise<number> {
    let imported = 0;
    for (const f of files) {
      if (await this.ctx.store.getAgencySigningKey(f.code)) continue;
      await this.put(f.code, await readFile(f.key, 'utf8'), await readFile(f.certificate, 'utf8'));
      imported++;
    }
    return imported;
  }
}
