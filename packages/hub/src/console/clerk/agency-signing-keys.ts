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

  /**
   * Imports key files (demo agencies: <dataDir>/demo-keys/<code>.key and .pem) of agencies that have none yet:
   * read in parallel, written in one transaction (one commit, not one per agency).
   */
  async importFiles(files: ReadonlyArray<{ code: string; key: string; certificate: string }>): Promise<number> {
    const sealer = await this.seal();
    const wanted: (typeof files)[number][] = [];
    for (const f of files) if (!(await this.ctx.store.getAgencySigningKey(f.code))) wanted.push(f);
    if (wanted.length === 0) return 0;
    const at = new Date();
    const rows = await Promise.all(
      wanted.map(async (f) => {
        const [keyPem, certificate] = await Promise.all([readFile(f.key, 'utf8'), readFile(f.certificate, 'utf8')]);
        return {
          agencyCode: f.code,
          keySealed: sealer.seal(keyPem, `signing-key:${f.code}`),
          certificate,
          createdAt: at,
        };
      }),
    );
    await this.ctx.store.transaction(async (tx) => {
      for (const r of rows) await tx.putAgencySigningKey(r);
    });
    return rows.length;
  }
}
