// Enveloped XML-DSig over a whole edXML package in two streaming passes: pass 1 canonicalizes and
// digests the package (without any existing Signature) and finds where the Signature goes; pass 2
// copies the bytes with the Signature spliced in. Memory does not depend on the package size.
import { createHash, type KeyObject, sign } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { XmlName } from '@lienthong/edxml';
import { createC14nTokenizer } from '../c14n/c14n-tokenizer.js';
import { canonicalizeSubtree } from '../c14n/canonicalize.js';
import { Canonicalizer } from '../c14n/canonicalizer.js';
import { toPrivateKey } from '../pki/key-pair.js';
import { type CertificateInput, toCertificates } from '../x509/certificate-input.js';
import { distinguishedName } from '../x509/certificate-summary.js';
import { DSIG_NS, QCVN_NS, type SignatureAlgorithm, type SignatureMethod, signatureMethod } from './algorithms.js';
import { openPackageSource, type PackageSource } from './package-source.js';
import { signatureXml, signedInfoInContext, signedInfoXml } from './signature-xml.js';

export interface SignOptions {
  /** the signer's private key (KeyObject, or PEM/DER) */
  key: KeyObject | string | Uint8Array;
  /** the signer's certificate; intermediates may follow in the same PEM or in `chain` */
  certificate: CertificateInput;
  /** CA certificates to carry in KeyInfo after the signer's (not the root) */
  chain?: readonly CertificateInput[];
  /** default: rsa-sha256 for RSA keys, ecdsa-sha256 for P-256 keys */
  algorithm?: SignatureAlgorithm;
  /** an existing Signature in the edXML header is replaced in place (default) or refused */
  existingSignature?: 'replace' | 'refuse';
}

export type SigningErrorCode =
  | 'not-edxml'
  | 'multiple-signatures'
  | 'signature-misplaced'
  | 'signature-present'
  | 'key-mismatch'
  | 'source-changed';

export class SigningError extends Error {
  constructor(
    readonly code: SigningErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SigningError';
  }
}

export interface SignedPackage {
  algorithm: SignatureAlgorithm;
  /** base64 SHA-256 of the canonical package */
  digestValue: string;
  signatureValue: string;
  /** the Signature element as inserted */
  signatureXml: string;
  /** whether a Signature was replaced */
  replaced: boolean;
  /** byte length of the source */
  sourceBytes: number;
  /** pass 2: the signed package; throws at the end if the source changed since pass 1 */
  bytes(): AsyncIterable<Uint8Array>;
}

interface Layout {
  digest: Buffer;
  /** bytes [cutStart, cutEnd) of the source are replaced by the Signature */
  cutStart: number;
  cutEnd: number;
  replaced: boolean;
  sourceBytes: number;
  sourceSha256: string;
}

export async function signPackage(source: PackageSource, options: SignOptions): Promise<SignedPackage> {
  const key = toPrivateKey(options.key);
  const certificates = [...toCertificates(options.certificate), ...toCertificates(options.chain ?? [])];
  const signer = certificates[0];
  if (!signer) throw new SigningError('key-mismatch', 'no signer certificate given');
  if (!signer.checkPrivateKey(key))
    throw new SigningError('key-mismatch', 'the private key does not belong to the certificate');
  const method = signatureMethod(options.algorithm ?? defaultAlgorithm(key));
  if (method.keyType !== key.asymmetricKeyType) {
    throw new SigningError('key-mismatch', `${method.name} needs an ${method.keyType.toUpperCase()} key`);
  }

  const layout = await scan(source, options.existingSignature ?? 'replace');
  const digestValue = layout.digest.toString('base64');
  const signedInfo = signedInfoXml(method, 'sha256', digestValue);
  const canonical = await canonicalizeSubtree(signedInfoInContext(signedInfo), (t) => t.name.local === 'SignedInfo');
  const signatureValue = signBytes(method, key, canonical!).toString('base64');
  const xml = signatureXml(
    signedInfo,
    signatureValue,
    distinguishedName(signer.subject),
    certificates.map((c) => c.raw),
  );
  const inserted = Buffer.from(xml, 'utf8');
  return {
    algorithm: method.name,
    digestValue,
    signatureValue,
    signatureXml: xml,
    replaced: layout.replaced,
    sourceBytes: layout.sourceBytes,
    bytes: () => splice(source, layout, inserted),
  };
}

/** Signs `source` into `destination` (written to a temporary file, then renamed; may be the source itself). */
export async function signPackageToFile(
  source: PackageSource,
  destination: string,
  options: SignOptions,
): Promise<SignedPackage> {
  const signed = await signPackage(source, options);
  const temporary = `${destination}.${process.pid}.${Date.now()}.signing`;
  try {
    await pipeline(Readable.from(signed.bytes()), createWriteStream(temporary));
    await rename(temporary, destination);
  } catch (e) {
    await rm(temporary, { force: true });
    throw e;
  }
  return signed;
}

function defaultAlgorithm(key: KeyObject): SignatureAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'rsa-sha256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === 'secp384r1' ? 'ecdsa-sha384' : curve === 'secp521r1' ? 'ecdsa-sha512' : 'ecdsa-sha256';
  }
  throw new SigningError('key-mismatch', `unsupported key type ${key.asymmetricKeyType}`);
}

export function signBytes(method: SignatureMethod, key: KeyObject, data: Uint8Array): Buffer {
  // XML-DSig ECDSA signatures are r || s, not DER
  return sign(method.hash, data, method.keyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key);
}

const HEADER_PATH = ['edXML', 'edXMLEnvelope', 'edXMLHeader'];

async function scan(source: PackageSource, existing: 'replace' | 'refuse'): Promise<Layout> {
  const tokenizer = createC14nTokenizer();
  const digest = createHash('sha256');
  const raw = createHash('sha256');
  const path: XmlName[] = [];
  let signature: { start: number; end: number; depth: number } | undefined;
  let headerEnd = -1;
  const isSignature = (name: XmlName) => name.local === 'Signature' && (name.ns === DSIG_NS || name.ns === QCVN_NS);
  const inHeader = () => path.length === 3 && path.every((n, i) => n.local === HEADER_PATH[i] && n.ns === QCVN_NS);
  const canonicalizer = new Canonicalizer({
    algorithm: 'exc-c14n',
    sink: (b) => digest.update(b),
    exclude: (t) => t.start === signature?.start,
  });
  let bytes = 0;
  const push = (e: ReturnType<typeof tokenizer.writeEvents>[number]) => {
    if (e.kind === 'start') {
      if (isSignature(e.name)) {
        if (signature) throw new SigningError('multiple-signatures', `a second Signature at byte ${e.start}`);
        if (!inHeader())
          throw new SigningError('signature-misplaced', `a Signature outside edXMLHeader at byte ${e.start}`);
        if (existing === 'refuse') throw new SigningError('signature-present', 'the package is already signed');
        signature = { start: e.start, end: -1, depth: path.length };
      }
      path.push(e.name);
    }
    canonicalizer.push(e);
    if (e.kind === 'end') {
      path.pop();
      if (signature && signature.end < 0 && path.length === signature.depth) signature.end = e.end;
      if (e.name.local === 'edXMLHeader' && path.length === 2 && headerEnd < 0) headerEnd = e.start;
    }
  };
  for await (const chunk of openPackageSource(source)) {
    raw.update(chunk);
    bytes += chunk.length;
    for (const e of tokenizer.writeEvents(chunk)) push(e);
  }
  for (const e of tokenizer.endEvents()) push(e);
  canonicalizer.finish();
  if (headerEnd < 0)
    throw new SigningError('not-edxml', 'no edXML/edXMLEnvelope/edXMLHeader element to put the Signature in');
  const cut = signature
    ? { cutStart: signature.start, cutEnd: signature.end }
    : { cutStart: headerEnd, cutEnd: headerEnd };
  return {
    digest: digest.digest(),
    ...cut,
    replaced: signature !== undefined,
    sourceBytes: bytes,
    sourceSha256: raw.digest('hex'),
  };
}

async function* splice(source: PackageSource, layout: Layout, inserted: Buffer): AsyncIterable<Uint8Array> {
  const raw = createHash('sha256');
  const { cutStart, cutEnd } = layout;
  let offset = 0;
  let done = false;
  for await (const input of openPackageSource(source)) {
    const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    raw.update(chunk);
    const start = offset;
    const end = offset + chunk.length;
    offset = end;
    if (start < cutStart) yield chunk.subarray(0, Math.min(end, cutStart) - start);
    if (!done && end >= cutStart) {
      yield inserted;
      done = true;
    }
    const from = Math.max(start, cutEnd);
    if (from < end) yield chunk.subarray(from - start);
  }
  if (offset !== layout.sourceBytes || raw.digest('hex') !== layout.sourceSha256) {
    throw new SigningError(
      'source-changed',
      'the package changed between the two signing passes: the output is not valid',
    );
  }
}
