// The digest and signature algorithms a CMS SignerInfo may name, as node:crypto understands them.

import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';

export type CmsDigest = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface CmsSignatureScheme {
  kind: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';
  /** hash the signature is computed with */
  hash: CmsDigest;
  /** RSA-PSS salt length */
  saltLength?: number;
  /** e.g. `rsa-pkcs1-sha256`, `rsa-pss-sha256`, `ecdsa-sha256` */
  name: string;
}

const DIGESTS: Record<string, CmsDigest> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSA_PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';

const COMBINED: Record<string, { kind: 'rsa-pkcs1' | 'ecdsa'; hash: CmsDigest }> = {
  '1.2.840.113549.1.1.5': { kind: 'rsa-pkcs1', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { kind: 'rsa-pkcs1', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { kind: 'rsa-pkcs1', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { kind: 'rsa-pkcs1', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { kind: 'rsa-pkcs1', hash: 'sha512' },
  '1.2.840.10045.4.1': { kind: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { kind: 'ecdsa', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { kind: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { kind: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { kind: 'ecdsa', hash: 'sha512' },
};

export function digestFromOid(oid: string): CmsDigest | undefined {
  return DIGESTS[oid];
}

/** The scheme of a SignerInfo's signatureAlgorithm, or a message saying why it is not supported. */
export function signatureScheme(algorithm: AlgorithmIdentifier, digest: CmsDigest): CmsSignatureScheme | string {
  const oid = algorithm.algorithm;
  // a bare key algorithm means "with the SignerInfo's digest algorithm"
  if (oid === RSA_ENCRYPTION) return scheme('rsa-pkcs1', digest);
  if (oid === EC_PUBLIC_KEY) return scheme('ecdsa', digest);
  const combined = COMBINED[oid];
  if (combined) return scheme(combined.kind, combined.hash);
  if (oid !== RSA_PSS) return `signature algorithm ${oid} is not supported`;
  if (!algorithm.parameters) return 'RSA-PSS without parameters';
  let params: RsaSaPssParams;
  let mgfHash: CmsDigest | undefined;
  try {
    params = AsnConvert.parse(algorithm.parameters, RsaSaPssParams);
    const mgfParams = params.maskGenAlgorithm.parameters;
    mgfHash = mgfParams ? digestFromOid(AsnConvert.parse(mgfParams, AlgorithmIdentifier).algorithm) : 'sha1';
  } catch {
    return 'RSA-PSS parameters are malformed';
  }
  const hash = digestFromOid(params.hashAlgorithm.algorithm);
  if (!hash) return `RSA-PSS with hash ${params.hashAlgorithm.algorithm} is not supported`;
  if (params.maskGenAlgorithm.algorithm !== MGF1) return 'RSA-PSS with a mask generation other than MGF1';
  if (mgfHash !== hash) return 'RSA-PSS with an MGF1 hash other than the signature hash';
  if (params.trailerField !== 1) return 'RSA-PSS with a trailer field other than 1';
  return { ...scheme('rsa-pss', hash), saltLength: params.saltLength };
}

function scheme(kind: CmsSignatureScheme['kind'], hash: CmsDigest): CmsSignatureScheme {
  return { kind, hash, name: `${kind}-${hash}` };
}

export function isWeak(digest: CmsDigest): boolean {
  return digest === 'sha1';
}
