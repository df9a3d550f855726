import { collect } from '@lienthong/edxml';
import type { CertifiedKey } from '../pki/issue-certificate.js';
import type { SignatureAlgorithm } from '../xmldsig/algorithms.js';
import type { PackageSource } from '../xmldsig/package-source.js';
import { signPackage } from '../xmldsig/sign-package.js';

/** Test support: signs a package in memory with a development certificate (and its intermediate). */
export async function signToBuffer(
  source: PackageSource,
  signer: CertifiedKey,
  intermediate: CertifiedKey,
  algorithm?: SignatureAlgorithm,
): Promise<Buffer> {
  const signed = await signPackage(source, {
    key: signer.privateKey,
    certificate: signer.certificate,
    chain: [intermediate.certificate],
    ...(algorithm ? { algorithm } : {}),
  });
  return collect(signed.bytes());
}
