// Compact JWS (RFC 7515) with an x5c certificate chain, for receipts and audit checkpoints: any JOSE
// library can check the signature offline; the chain is checked against trust anchors here.
import { type KeyObject, sign, verify, X509Certificate } from 'node:crypto';
import { toPrivateKey } from '../pki/key-pair.js';
import { type CertificateInput, toCertificates } from '../x509/certificate-input.js';

export type JwsAlgorithm = 'RS256' | 'ES256' | 'ES384';

const ALGORITHMS: Record<JwsAlgorithm, { hash: string; keyType: 'rsa' | 'ec'; curve?: string }> = {
  RS256: { hash: 'sha256', keyType: 'rsa' },
  ES256: { hash: 'sha256', keyType: 'ec', curve: 'prime256v1' },
  ES384: { hash: 'sha384', keyType: 'ec', curve: 'secp384r1' },
};

export interface JwsHeader {
  alg: JwsAlgorithm;
  typ: string;
  /** base64 DER, signer first */
  x5c: string[];
}

export function jwsAlgorithmFor(key: KeyObject): JwsAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'prime256v1') return 'ES256';
  if (curve === 'secp384r1') return 'ES384';
  throw new Error(`no JWS algorithm for a ${key.asymmetricKeyType} ${curve ?? ''} key`);
}

/**
 * The encoded header of a key object signing with the same certificates again and again (the hub's
 * receipts): the key is checked against the chain once, and the header built once, per `typ`.
 * Certificate objects are immutable: the same objects in the same order are the same chain.
 */
const encodedHeaders = new WeakMap<KeyObject, { chain: X509Certificate[]; byTyp: Map<string, string> }>();

function sameObjects(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function encodedHeader(key: KeyObject, keyInput: unknown, typ: string, chain: readonly CertificateInput[]): string {
  const reusable = key === keyInput && chain.every((c) => c instanceof X509Certificate);
  let known = reusable ? encodedHeaders.get(key) : undefined;
  if (known && !sameObjects(known.chain, chain)) known = undefined;
  const cached = known?.byTyp.get(typ);
  if (cached !== undefined) return cached;
  const certificates = toCertificates(chain);
  if (!certificates[0]?.checkPrivateKey(key))
    throw new Error('the key does not belong to the first certificate of the chain');
  const header: JwsHeader = { alg: jwsAlgorithmFor(key), typ, x5c: certificates.map((c) => c.raw.toString('base64')) };
  const encoded = b64url(JSON.stringify(header));
  if (reusable) {
    if (!known) {
      known = { chain: [...certificates], byTyp: new Map() };
      encodedHeaders.set(key, known);
    }
    known.byTyp.set(typ, encoded);
  }
  return encoded;
}

/** Signs `payload` (already canonical bytes) as a compact JWS carrying the certificate chain. */
export function signCompactJws(
  payload: string,
  typ: string,
  keyInput: KeyObject | string | Uint8Array,
  chain: readonly CertificateInput[],
): string {
  const key = toPrivateKey(keyInput);
  const alg = jwsAlgorithmFor(key);
  const input = `${encodedHeader(key, keyInput, typ, chain)}.${b64url(payload)}`;
  const spec = ALGORITHMS[alg];
  const signature = sign(
    spec.hash,
    Buffer.from(input),
    spec.keyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key,
  );
  return `${input}.${signature.toString('base64url')}`;
}

export interface ParsedJws {
  header: JwsHeader;
  payload: string;
  certificates: X509Certificate[];
}

/** Parses a compact JWS and checks its signature with the first x5c certificate; throws with a reason. */
export function openCompactJws(jws: string, typ: string): ParsedJws {
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p)))
    throw new JwsError('malformed', 'not a compact JWS');
  const header = parseJson(fromB64url(parts[0]!).toString('utf8'), 'header') as Partial<JwsHeader>;
  if (header.typ !== typ) throw new JwsError('malformed', `typ is "${header.typ}", expected "${typ}"`);
  const spec = ALGORITHMS[header.alg as JwsAlgorithm];
  if (!spec) throw new JwsError('unsupported-algorithm', `unsupported alg "${header.alg}"`);
  if (!Array.isArray(header.x5c) || header.x5c.length === 0) throw new JwsError('certificate-missing', 'no x5c chain');
  let certificates: X509Certificate[];
  try {
    certificates = toCertificates(header.x5c.map((c) => Buffer.from(String(c), 'base64')));
  } catch {
    throw new JwsError('certificate-unreadable', 'an x5c certificate is unreadable');
  }
  const key = certificates[0]!.publicKey;
  if (key.asymmetricKeyType !== spec.keyType)
    throw new JwsError('key-algorithm-mismatch', `${header.alg} with a ${key.asymmetricKeyType} key`);
  const ok = verify(
    spec.hash,
    Buffer.from(`${parts[0]}.${parts[1]}`),
    spec.keyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key,
    fromB64url(parts[2]!),
  );
  if (!ok) throw new JwsError('signature-mismatch', 'the signature does not verify with the x5c certificate');
  return { header: header as JwsHeader, payload: fromB64url(parts[1]!).toString('utf8'), certificates };
}

export class JwsError extends Error {
  constructor(
    readonly code:
      | 'malformed'
      | 'unsupported-algorithm'
      | 'certificate-missing'
      | 'certificate-unreadable'
      | 'key-algorithm-mismatch'
      | 'signature-mismatch',
    message: string,
  ) {
    super(message);
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new JwsError('malformed', `the ${what} is not JSON`);
  }
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function fromB64url(text: string): Buffer {
  return Buffer.from(text, 'base64url');
}

/**
 * signCompactJws with the signature computed in libuv's thread pool (the callback form of
 * `crypto.sign`): the same bytes but for the signature's randomness, without the event loop's time.
 */
export function signCompactJwsAsync(
  payload: string,
  typ: string,
  keyInput: KeyObject | string | Uint8Array,
  chain: readonly CertificateInput[],
): Promise<string> {
  const key = toPrivateKey(keyInput);
  const alg = jwsAlgorithmFor(key);
  const input = `${encodedHeader(key, keyInput, typ, chain)}.${b64url(payload)}`;
  const spec = ALGORITHMS[alg];
  return new Promise((resolve, reject) =>
    sign(
      spec.hash,
      Buffer.from(input),
      spec.keyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key,
      (err, signature) => (err ? reject(err) : resolve(`${input}.${signature.toString('base64url')}`)),
    ),
  );
}
