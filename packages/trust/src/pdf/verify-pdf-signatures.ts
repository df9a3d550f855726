// Verifies every signature of a PDF in two sequential reads: pass 1 finds the signature
// dictionaries (bounded window, /Contents capped), pass 2 hashes exactly the byte ranges each one
// signs. Then per signature: messageDigest, the signature over the signed attributes, the signer's
// chain at the signing time, and whether the signed ranges cover the whole file.
import {
  constants,
  createHash,
  createVerify,
  type Hash,
  type KeyObject,
  type Verify,
  verify as verifySignature,
  type X509Certificate,
} from 'node:crypto';
import { type CertificateInput, type CrlInput, toCertificates, toCrls } from '../x509/certificate-input.js';
import { summarizeCertificate } from '../x509/certificate-summary.js';
import { validateChain } from '../x509/validate-chain.js';
import { checkByteRange, decodeHexContents } from './byte-range.js';
import type { ByteSource } from './byte-source.js';
import { type CmsSignatureScheme, isWeak } from './cms-algorithms.js';
import { CmsError, type DetachedCms, parseDetachedCms } from './cms-signed-data.js';
import { parsePdfDate } from './pdf-date.js';
import { fromChainReasons, type PdfReason, pdfReason, pdfStatusOf } from './pdf-reasons.js';
import type { PdfSignatureVerdict, PdfVerification } from './pdf-verdict.js';
import { feedRanges, type RangeSink } from './range-digest.js';
import { type ScannedSignature, SignatureScanner } from './signature-scanner.js';

export interface PdfVerifyOptions {
  trustAnchors: readonly CertificateInput[];
  intermediates?: readonly CertificateInput[];
  crls?: readonly CrlInput[];
  /** the time of the check; certificates are judged at the signed signingTime when there is one */
  now?: Date;
  staleCrl?: 'indeterminate' | 'note';
  requireRevocationCheck?: boolean;
  /** decoded size of one /Contents; default 1 MiB */
  maxContentsBytes?: number;
  /** signature dictionaries verified; default 16 */
  maxSignatures?: number;
}

const SUPPORTED_SUB_FILTERS = new Set(['adbe.pkcs7.detached', 'ETSI.CAdES.detached']);
/** a signingTime this far ahead of the clock is not believed */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

interface Pending {
  scanned: ScannedSignature;
  reasons: PdfReason[];
  coversWholeDocument: boolean;
  cms?: DetachedCms;
  hash?: Hash;
  verifier?: Verify;
}

export async function verifyPdfSignatures(source: ByteSource, options: PdfVerifyOptions): Promise<PdfVerification> {
  const scanner = new SignatureScanner({
    maxContentsBytes: options.maxContentsBytes ?? 1024 * 1024,
    maxSignatures: options.maxSignatures ?? 16,
  });
  for await (const chunk of source.read(0, source.size)) scanner.push(chunk);
  const scan = scanner.end();

  const reasons: PdfReason[] = [];
  if (scan.signatures.length === 0) reasons.push(pdfReason('signature-absent', 'the PDF has no signature', 'note'));
  if (scan.truncated) {
    reasons.push(
      pdfReason('too-many-signatures', `only the first ${scan.signatures.length} signatures were verified`, 'note'),
    );
  }

  const pending = scan.signatures.map((s) => prepare(s, source.size));
  const sinks: RangeSink[] = [];
  for (const p of pending) {
    if (!p.hash) continue;
    const ranges = rangesOf(p.scanned);
    sinks.push({
      ranges,
      update: (bytes) => {
        p.hash!.update(bytes);
        p.verifier?.update(bytes);
      },
    });
  }
  await feedRanges(source, sinks);

  const signatures: PdfSignatureVerdict[] = [];
  for (const p of pending) signatures.push(await conclude(p, options));
  return { size: source.size, signatures, reasons };
}

function rangesOf(s: ScannedSignature): Array<[number, number]> {
  const [a, b, c, d] = s.byteRange as [number, number, number, number];
  return [
    [a, a + b],
    [c, c + d],
  ];
}

/** Everything that can be checked before reading the signed bytes; sets up the hash when it makes sense to. */
function prepare(scanned: ScannedSignature, size: number): Pending {
  const reasons: PdfReason[] = [];
  const p: Pending = { scanned, reasons, coversWholeDocument: false };
  const subFilter = scanned.subFilter;
  if (subFilter === undefined) {
    reasons.push(pdfReason('sub-filter-unsupported', 'no /SubFilter: read as adbe.pkcs7.detached', 'note'));
  } else if (!SUPPORTED_SUB_FILTERS.has(subFilter)) {
    const what = subFilter === 'ETSI.RFC3161' ? 'a document time-stamp' : `/SubFilter /${subFilter}`;
    reasons.push(pdfReason('sub-filter-unsupported', `${what} is not verified`, 'indeterminate'));
  }
  const range = checkByteRange(scanned, size);
  reasons.push(...range.reasons);
  p.coversWholeDocument = range.coversWholeDocument;
  if (!range.ranges || !range.contents) return p;
  if (subFilter !== undefined && !SUPPORTED_SUB_FILTERS.has(subFilter)) return p;
  if (!range.contents.text) {
    reasons.push(pdfReason('contents-too-large', 'the /Contents string is larger than the limit'));
    return p;
  }
  const der = decodeHexContents(range.contents.text);
  if (!der) {
    reasons.push(pdfReason('contents-malformed', 'the /Contents string is not hexadecimal'));
    return p;
  }
  try {
    p.cms = parseDetachedCms(der);
  } catch (e) {
    if (!(e instanceof CmsError)) throw e;
    reasons.push(pdfReason(e.code, e.message));
    return p;
  }
  p.hash = createHash(p.cms.digest);
  if (!p.cms.signedAttributes) p.verifier = createVerify(p.cms.scheme.hash);
  return p;
}

async function conclude(p: Pending, options: PdfVerifyOptions): Promise<PdfSignatureVerdict> {
  const { scanned, reasons, cms } = p;
  const verdict: PdfSignatureVerdict = {
    status: 'invalid',
    reasons,
    subFilter: scanned.subFilter,
    byteRange: scanned.byteRange,
    coversWholeDocument: p.coversWholeDocument,
    weak: false,
    ...(scanned.objectNumber === undefined ? {} : { objectNumber: scanned.objectNumber }),
  };
  const pdfTime = scanned.signingTimeText === undefined ? undefined : parsePdfDate(scanned.signingTimeText);
  if (pdfTime) {
    verdict.signingTime = pdfTime;
    verdict.signingTimeSource = 'pdf';
  }
  if (cms && p.hash) await judge(verdict, cms, p.hash.digest(), p.verifier, options);
  verdict.status = pdfStatusOf(reasons);
  return verdict;
}

async function judge(
  verdict: PdfSignatureVerdict,
  cms: DetachedCms,
  digest: Buffer,
  verifier: Verify | undefined,
  options: PdfVerifyOptions,
): Promise<void> {
  const reasons = verdict.reasons;
  const now = options.now ?? new Date();
  verdict.digestAlgorithm = cms.digest;
  verdict.signatureAlgorithm = cms.scheme.name;
  const attrs = cms.signedAttributes;
  if (attrs?.signingTime) {
    verdict.signingTime = attrs.signingTime;
    verdict.signingTimeSource = 'cms';
    if (attrs.signingTime.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      reasons.push(
        pdfReason('signing-time-future', `the signing time ${attrs.signingTime.toISOString()} is in the future`),
      );
    }
  }
  if (attrs && !attrs.messageDigest.equals(digest)) {
    reasons.push(pdfReason('digest-mismatch', 'the signed bytes were altered: the message digest does not match'));
  }
  const signer = cms.signer;
  if (!signer) {
    reasons.push(pdfReason('certificate-missing', "the SignedData does not carry the signer's certificate"));
    return;
  }
  verdict.signer = summarizeCertificate(signer);
  const key = signer.publicKey;
  const keyType = key.asymmetricKeyType;
  const fits = cms.scheme.kind === 'ecdsa' ? keyType === 'ec' : keyType === 'rsa' || keyType === 'rsa-pss';
  if (!fits) {
    reasons.push(
      pdfReason('key-algorithm-mismatch', `a ${cms.scheme.name} signature cannot come from a ${keyType} key`),
    );
  } else {
    const ok = attrs
      ? verifyBytes(cms.scheme, key, attrs.der, cms.signature)
      : verifyStream(cms.scheme, key, verifier!, cms.signature);
    if (!ok) reasons.push(pdfReason('signature-mismatch', 'the signature value does not verify with the signer key'));
  }
  if (isWeak(cms.digest) || isWeak(cms.scheme.hash)) {
    verdict.weak = true;
    reasons.push(pdfReason('weak-algorithm', 'SHA-1 is used', 'note'));
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits !== undefined && bits < 2048) {
    verdict.weak = true;
    reasons.push(pdfReason('weak-key', `the signer's RSA key has ${bits} bits`, 'note'));
  }
  if (attrs?.signingCertificate) {
    const ref = attrs.signingCertificate;
    if (!createHash(ref.hash).update(signer.raw).digest().equals(ref.value)) {
      reasons.push(
        pdfReason('signing-certificate-mismatch', "the signed signing-certificate reference is not the signer's"),
      );
    }
  }
  if (cms.hasTimestamp) {
    reasons.push(pdfReason('timestamp-not-checked', 'the signature time-stamp token is not verified', 'note'));
  }
  const chain = await validateChain(signer, {
    trustAnchors: toCertificates(options.trustAnchors as CertificateInput[]),
    intermediates: [
      ...cms.certificates.filter((c) => c !== signer),
      ...toCertificates(options.intermediates as CertificateInput[] | undefined),
    ] as X509Certificate[],
    crls: toCrls(options.crls),
    now: attrs?.signingTime ?? now,
    crlTime: now,
    staleCrl: options.staleCrl,
    requireRevocationCheck: options.requireRevocationCheck,
  });
  reasons.push(...fromChainReasons(chain.reasons));
}

function verifyOptions(scheme: CmsSignatureScheme, key: KeyObject) {
  if (scheme.kind === 'rsa-pss') {
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength ?? 20 };
  }
  if (scheme.kind === 'rsa-pkcs1') return { key, padding: constants.RSA_PKCS1_PADDING };
  return { key, dsaEncoding: 'der' as const };
}

function verifyBytes(scheme: CmsSignatureScheme, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verifySignature(scheme.hash, data, verifyOptions(scheme, key), signature);
  } catch {
    return false;
  }
}

function verifyStream(scheme: CmsSignatureScheme, key: KeyObject, verifier: Verify, signature: Buffer): boolean {
  try {
    return verifier.verify(verifyOptions(scheme, key), signature);
  } catch {
    return false;
  }
}
