// The hub's key material and trust store, in one place for every part that needs it: signature
// verification at intake, receipts and audit checkpoints (signed with the hub's key), TLS.
//
// With `trust.devCa` (the default), the hub runs a development CA in <dataDir>/pki/ca that stands in
// for the government CA: created at first start, a trust anchor, the issuer of the hub's own
// certificate (<dataDir>/pki/hub.pem + hub.key) and of the demo agencies' certificates. Production
// configures `trust.anchors` (the government CA) and the hub's certificate and key instead.

import { type KeyObject, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChainCache, initCa, issueHubCert, toCertificates, toCrls, toPrivateKey } from '@lienthong/trust';
import type { Logger } from 'pino';
import type { HubConfig } from '../config/hub-config.js';
import { CrlCache } from './crl-cache.js';

export interface HubPki {
  /** root CAs that agencies' signatures and client certificates must chain to */
  anchors: X509Certificate[];
  intermediates: X509Certificate[];
  /** the CRLs as last fetched (refreshed in the background) */
  crls: CrlCache;
  /** certification-path verdicts reused across packages (keyed by certificates and CRL generation) */
  chainCache?: ChainCache;
  /** the hub's own key and certificate chain (leaf first), for receipts and checkpoints */
  hubKey: KeyObject;
  hubChain: X509Certificate[];
  /** PEM of the hub's chain and key (for a TLS server that has no certificate of its own) */
  hubChainPem: string;
  hubKeyPem: string;
  /** the development CA directory, when this hub runs one */
  devCaDir: string | undefined;
  close(): void;
}

export async function openHubPki(config: HubConfig, logger: Logger): Promise<HubPki> {
  const trust = config.trust;
  const pkiDir = join(config.dataDir, 'pki');
  const devCaDir = trust.devCa ? join(pkiDir, 'ca') : undefined;
  if (devCaDir && !existsSync(join(devCaDir, 'root.pem'))) {
    await mkdir(pkiDir, { recursive: true, mode: 0o700 });
    // P-256 keeps first start fast; the CA's certificates are standard X.509 that openssl reads
    await initCa(devCaDir, { keyType: 'ec-p256' });
    logger.warn({ devCaDir }, 'created a DEVELOPMENT certificate authority (not the government CA)');
  }

  const anchors = toCertificates(await readPems(trust.anchors));
  const intermediates = toCertificates(await readPems(trust.intermediates));
  const crlSources = [...trust.crls];
  if (devCaDir) {
    anchors.push(new X509Certificate(await readFile(join(devCaDir, 'root.pem'))));
    intermediates.push(new X509Certificate(await readFile(join(devCaDir, 'intermediate.pem'))));
    crlSources.push(join(devCaDir, 'crl.pem'), join(devCaDir, 'root-crl.pem'));
  }

  let chainPem: string;
  let keyPem: string;
  if (trust.hubCertificate && trust.hubKey) {
    chainPem = await readFile(trust.hubCertificate, 'utf8');
    keyPem = await readFile(trust.hubKey, 'utf8');
  } else if (devCaDir) {
    const certFile = join(pkiDir, 'hub.pem');
    const keyFile = join(pkiDir, 'hub.key');
    if (!existsSync(certFile)) {
      const issued = await issueHubCert(devCaDir, {
        name: config.hubId,
        dnsNames: ['localhost'],
        ipAddresses: ['127.0.0.1', '::1'],
        keyType: 'ec-p256',
      });
      const chain = issued.certificate.toString() + (await readFile(join(devCaDir, 'intermediate.pem'), 'utf8'));
      await writeSecret(keyFile, await readFile(join(devCaDir, issued.record.keyFile), 'utf8'));
      await writeSecret(certFile, chain, 0o644);
    }
    chainPem = await readFile(certFile, 'utf8');
    keyPem = await readFile(keyFile, 'utf8');
  } else {
    throw new Error('the hub needs its own certificate: set trust.hubCertificate and trust.hubKey, or trust.devCa');
  }

  const hubChain = toCertificates(chainPem);
  if (hubChain.length === 0) throw new Error('trust.hubCertificate holds no certificate');
  const hubKey = toPrivateKey(keyPem);
  if (!hubChain[0]!.checkPrivateKey(hubKey)) throw new Error('trust.hubKey does not belong to trust.hubCertificate');

  const crls = new CrlCache(crlSources, trust.crlRefreshSeconds * 1000, logger, toCrls);
  await crls.refresh();
  crls.start();
  return {
    anchors,
    intermediates,
    crls,
    chainCache: new ChainCache(),
    hubKey,
    hubChain,
    hubChainPem: chainPem,
    hubKeyPem: keyPem,
    devCaDir,
    close: () => crls.stop(),
  };
}

async function readPems(files: readonly string[]): Promise<string[]> {
  return Promise.all(files.map((f) => readFile(f, 'utf8')));
}

async function writeSecret(file: string, content: string, mode = 0o600): Promise<void> {
  const temp = `${file}.part`;
  await writeFile(temp, content, { mode });
  await chmod(temp, mode);
  await rename(temp, file);
}
