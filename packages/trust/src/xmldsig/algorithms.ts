// XML-DSig algorithm identifiers this package signs or verifies with.

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** edXML vendors put the Signature in the package's own namespace; accepted for verification, with a note. */
export const QCVN_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const ENVELOPED_SIGNATURE_URI = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const EXC_C14N_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';

export type DigestAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';
export type SignatureAlgorithm =
  | 'rsa-sha1'
  | 'rsa-sha256'
  | 'rsa-sha384'
  | 'rsa-sha512'
  | 'ecdsa-sha256'
  | 'ecdsa-sha384'
  | 'ecdsa-sha512';

export interface SignatureMethod {
  name: SignatureAlgorithm;
  uri: string;
  keyType: 'rsa' | 'ec';
  hash: DigestAlgorithm;
}

const SIGNATURE_METHODS: SignatureMethod[] = [
  { name: 'rsa-sha1', uri: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', keyType: 'rsa', hash: 'sha1' },
  { name: 'rsa-sha256', uri: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', keyType: 'rsa', hash: 'sha256' },
  { name: 'rsa-sha384', uri: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384', keyType: 'rsa', hash: 'sha384' },
  { name: 'rsa-sha512', uri: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', keyType: 'rsa', hash: 'sha512' },
  { name: 'ecdsa-sha256', uri: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', keyType: 'ec', hash: 'sha256' },
  { name: 'ecdsa-sha384', uri: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384', keyType: 'ec', hash: 'sha384' },
  { name: 'ecdsa-sha512', uri: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512', keyType: 'ec', hash: 'sha512' },
];

const DIGEST_METHODS: Record<string, DigestAlgorithm> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

export function signatureMethodFromUri(uri: string): SignatureMethod | undefined {
  return SIGNATURE_METHODS.find((m) => m.uri === uri);
}

export function signatureMethod(name: SignatureAlgorithm): SignatureMethod {
  return SIGNATURE_METHODS.find((m) => m.name === name)!;
}

export function digestAlgorithmFromUri(uri: string): DigestAlgorithm | undefined {
  return DIGEST_METHODS[uri];
}

export function digestAlgorithmUri(algorithm: DigestAlgorithm): string {
  return Object.entries(DIGEST_METHODS).find(([, a]) => a === algorithm)![0];
}

/** SHA-1 is accepted for legacy vendor packages but reported as weak. */
export function isWeakDigest(algorithm: DigestAlgorithm): boolean {
  return algorithm === 'sha1';
}
