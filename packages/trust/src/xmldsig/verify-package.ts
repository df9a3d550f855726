// Streaming, one-pass verification of the enveloped XML-DSig of an edXML package. Events before the
// Signature (the edXML header) are held until the Signature says how to canonicalize and digest;
// everything after it streams straight into the digest.
import {
  createHash,
  type Hash,
  type X509Certificate as NodeCertificate,
  verify as verifySignature,
  X509Certificate,
} from 'node:crypto';
import { EdxmlError, type XmlEvent, type XmlName } from '@lienthong/edxml';
import { createC14nTokenizer } from '../c14n/c14n-tokenizer.js';
import { Canonicalizer } from '../c14n/canonicalizer.js';
import { ScopeStack, type StartToken } from '../c14n/namespace-scope.js';
import { type CertificateInput, type CrlInput, toCertificates, toCrls } from '../x509/certificate-input.js';
import { type CertificateSummary, distinguishedName, summarizeCertificate } from '../x509/certificate-summary.js';
import { type ChainCache, chainWindow } from '../x509/chain-cache.js';
import { issues, validateChain } from '../x509/validate-chain.js';
import { DSIG_NS, isWeakDigest, QCVN_NS } from './algorithms.js';
import { type ReadSignature, readSignature } from './read-signature.js';
import { type Reason, reason, statusOf } from './reasons.js';
import { SignatureCapture, SignatureTooLargeError } from './signature-capture.js';
import type { Verdict } from './verdict.js';

export type ExpectedSigner =
  | { agencyCode: string }
  | ((signer: CertificateSummary, certificate: NodeCertificate) => boolean);

export interface VerifyOptions {
  trustAnchors: readonly CertificateInput[];
  intermediates?: readonly CertificateInput[];
  crls?: readonly CrlInput[];
  /** the time certificates and CRLs are judged at; default now */
  now?: Date;
  expectedSigner?: ExpectedSigner;
  /**
   * reuse certification-path verdicts across packages (same certificates, same trust objects and
   * CRL objects, a time where the answer is unchanged): pass the same cache on every call
   */
  chainCache?: ChainCache;
  /** what a CRL past its nextUpdate makes of the verdict; default 'indeterminate' */
  staleCrl?: 'indeterminate' | 'note';
  /** make a missing CRL for an issuer 'indeterminate' rather than a note */
  requireRevocationCheck?: boolean;
}

/** Bytes of header events held while waiting for the Signature. */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;
const HEADER_PATH = ['edXML', 'edXMLEnvelope', 'edXMLHeader'];

export async function verifyPackage(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: VerifyOptions,
): Promise<Verdict> {
  const scan = new SignatureScan();
  try {
    const tokenizer = createC14nTokenizer();
    for await (const chunk of source) {
      for (const e of tokenizer.writeEvents(chunk)) scan.push(e);
      if (scan.stopped) break;
    }
    if (!scan.stopped) for (const e of tokenizer.endEvents()) scan.push(e);
  } catch (e) {
    if (e instanceof EdxmlError)
      scan.reasons.push(reason('xml-malformed', `the package is not well-formed XML: ${e.message}`));
    else throw e;
  }
  return scan.verdict(options);
}

/**
 * The same verification fed by someone else's tokenizer: push it every event of the package's XML
 * (from its first byte to the root's end tag, comments and processing instructions included, as
 * `parseEdxml`'s `tap` delivers them), then ask for the verdict. The intake uses it so that a
 * package's bytes are tokenized once, by the parser. `push` never throws for what the package
 * contains: a Signature too large to read becomes a reason of the verdict.
 */
export class PackageSignatureVerifier {
  private readonly scan = new SignatureScan();

  push(event: XmlEvent): void {
    this.scan.push(event);
  }

  verdict(options: VerifyOptions): Promise<Verdict> {
    return this.scan.verdict(options);
  }
}

const PARSED_LIMIT = 256;
const parsedCertificates = new Map<string, X509Certificate>();

/** KeyInfo certificates by their DER bytes: the same signer's certificate comes with every package. */
function parseCertificate(der: Uint8Array): X509Certificate {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let cert = parsedCertificates.get(key);
  if (!cert) {
    cert = new X509Certificate(der);
    if (parsedCertificates.size >= PARSED_LIMIT) parsedCertificates.delete(parsedCertificates.keys().next().value!);
    parsedCertificates.set(key, cert);
  }
  return cert;
}

class SignatureScan {
  readonly reasons: Reason[] = [];
  private readonly scopes = new ScopeStack();
  private readonly path: XmlName[] = [];
  private signatures = 0;
  private capture: SignatureCapture | undefined;
  private read: ReadSignature | undefined;
  /** header events held until the Signature is read; undefined once no longer needed */
  private held: XmlEvent[] | undefined = [];
  private heldBytes = 0;
  private canonicalizer: Canonicalizer | undefined;
  private hash: Hash | undefined;

  /** set when a Signature too large to read stopped the scan: later events are ignored */
  stopped = false;

  push(e: XmlEvent): void {
    if (this.stopped) return;
    if (e.kind === 'start') this.start(e);
    if (this.capture && !this.capture.complete) {
      try {
        if (this.capture.push(e)) this.signatureClosed();
      } catch (error) {
        if (!(error instanceof SignatureTooLargeError)) throw error;
        this.reasons.push(reason('signature-too-large', error.message));
        this.stopped = true;
        return;
      }
    }
    if (this.canonicalizer) this.canonicalizer.push(e);
    else if (this.held) this.hold(e);
    if (e.kind === 'end') this.end();
  }

  private start(e: StartToken): void {
    const parentScope = this.scopes.current;
    this.scopes.push(e);
    this.path.push(e.name);
    if (e.name.local !== 'Signature' || (e.name.ns !== DSIG_NS && e.name.ns !== QCVN_NS)) return;
    this.signatures++;
    if (this.signatures === 2) {
      this.reasons.push(
        reason('multiple-signatures', `a second Signature element at byte ${e.start}: exactly one is accepted`),
      );
    }
    if (this.signatures > 1) return;
    const parents = this.path.slice(0, -1);
    const placed = parents.length === 3 && parents.every((n, i) => n.local === HEADER_PATH[i] && n.ns === QCVN_NS);
    if (!placed) {
      this.reasons.push(
        reason(
          'signature-misplaced',
          `the Signature is at /${this.path.map((n) => n.local).join('/')}: it must be a child of edXML/edXMLEnvelope/edXMLHeader`,
        ),
      );
    }
    this.capture = new SignatureCapture(parentScope, e.start);
  }

  private end(): void {
    this.scopes.pop();
    const closed = this.path.pop();
    // no Signature in the header: nothing will need the held events
    if (closed?.local === 'edXMLHeader' && this.path.length === 2 && !this.capture) this.held = undefined;
  }

  private hold(e: XmlEvent): void {
    this.heldBytes += e.kind === 'text-chunk' ? e.data.length + 64 : e.kind === 'text' ? 2 * e.raw.length + 64 : 256;
    if (this.heldBytes > MAX_HEADER_BYTES) {
      this.reasons.push(
        reason('header-too-large', `more than ${MAX_HEADER_BYTES} bytes before the end of the Signature: not verified`),
      );
      this.held = undefined;
      return;
    }
    this.held!.push(e.kind === 'text-chunk' ? { ...e, data: Buffer.from(e.data) } : e);
  }

  private signatureClosed(): void {
    const capture = this.capture!;
    const { signature, reasons } = readSignature(capture.root!);
    this.reasons.push(...reasons);
    if (!signature || !this.held) {
      this.held = undefined;
      return;
    }
    this.read = signature;
    this.hash = createHash(signature.digestAlgorithm);
    const hash = this.hash;
    this.canonicalizer = new Canonicalizer({
      algorithm: signature.referenceC14n,
      sink: (b) => hash.update(b),
      exclude: (t) => t.start === capture.start,
      inclusivePrefixes: signature.referencePrefixes,
    });
    for (const held of this.held) this.canonicalizer.push(held);
    this.held = undefined;
  }

  async verdict(options: VerifyOptions): Promise<Verdict> {
    const reasons = this.reasons;
    const malformed = reasons.some((r) => r.code === 'xml-malformed');
    if (this.signatures === 0) {
      if (malformed) return { status: 'invalid', reasons, weak: false };
      return {
        status: 'absent',
        reasons: [reason('signature-absent', 'the package has no Signature element', 'note')],
        weak: false,
      };
    }
    const signature = this.read;
    if (!signature) {
      if (this.capture && !this.capture.complete && !malformed) {
        reasons.push(reason('signature-malformed', 'the Signature element is incomplete'));
      }
      return { status: statusOf(reasons), reasons, weak: false };
    }
    const verdict: Verdict = {
      status: 'invalid',
      reasons,
      weak: false,
      algorithm: signature.signatureMethod.name,
      digestAlgorithm: signature.digestAlgorithm,
      canonicalization: signature.referenceC14n,
      namespace: signature.namespace,
    };
    if (isWeakDigest(signature.digestAlgorithm) || isWeakDigest(signature.signatureMethod.hash)) {
      verdict.weak = true;
      reasons.push(
        reason(
          'weak-algorithm',
          `SHA-1 is used (${signature.signatureMethod.name}, ${signature.digestAlgorithm} digest): legacy, weak`,
          'note',
        ),
      );
    }

    if (!malformed) this.checkDigest(signature);
    const certificates = this.certificates(signature);
    const signer = certificates && pickSigner(certificates);
    if (signer) {
      verdict.signer = summarizeCertificate(signer);
      await this.checkSignatureValue(signature, signer, verdict);
      if (signature.subjectName !== undefined && !sameName(signature.subjectName, verdict.signer.subject)) {
        reasons.push(
          reason(
            'subject-name-mismatch',
            `X509SubjectName "${signature.subjectName}" differs from the certificate subject "${verdict.signer.subject}"`,
            'note',
          ),
        );
      }
      const now = options.now ?? new Date();
      const cache = options.chainCache;
      const key = cache?.key(
        [signer, ...certificates.filter((c) => c !== signer)],
        [...options.trustAnchors, ...(options.intermediates ?? []), ...(options.crls ?? [])],
        `${options.staleCrl ?? ''}|${options.requireRevocationCheck ? 1 : 0}`,
      );
      const cached = key === undefined ? undefined : cache?.get(key, now);
      if (cached) {
        verdict.chain = cached.summaries as CertificateSummary[];
        reasons.push(...cached.result.reasons);
      } else {
        const crls = toCrls(options.crls);
        const chain = await validateChain(signer, {
          trustAnchors: toCertificates(options.trustAnchors),
          intermediates: [...toCertificates(options.intermediates), ...certificates.filter((c) => c !== signer)],
          crls,
          now,
          ...(options.staleCrl ? { staleCrl: options.staleCrl } : {}),
          ...(options.requireRevocationCheck ? { requireRevocationCheck: true } : {}),
        });
        verdict.chain = chain.chain.map(summarizeCertificate);
        reasons.push(...chain.reasons);
        if (key !== undefined) cache?.set(key, chain, verdict.chain, chainWindow(chain.chain, crls, now));
      }
      if (options.expectedSigner && !matchesExpected(options.expectedSigner, verdict.signer, signer)) {
        const wanted =
          typeof options.expectedSigner === 'function'
            ? 'the expected signer'
            : `agency ${options.expectedSigner.agencyCode}`;
        reasons.push(
          reason(
            'signer-unexpected',
            `signed by "${verdict.signer.subject}"${verdict.signer.agencyCode ? ` (agency ${verdict.signer.agencyCode})` : ''}, not by ${wanted}`,
          ),
        );
      }
    }
    verdict.status = statusOf(reasons);
    return verdict;
  }

  private checkDigest(signature: ReadSignature): void {
    if (!this.hash || !this.canonicalizer) return;
    this.canonicalizer.finish();
    const actual = this.hash.digest();
    if (!actual.equals(signature.digestValue)) {
      this.reasons.push(
        reason(
          'digest-mismatch',
          `the package was altered: its ${signature.digestAlgorithm} digest is ${actual.toString('base64')}, the signature says ${signature.digestValue.toString('base64')}`,
        ),
      );
    }
  }

  private certificates(signature: ReadSignature): X509Certificate[] | undefined {
    if (signature.certificates.length === 0) {
      if (!this.reasons.some((r) => r.code === 'value-not-base64' || r.code === 'value-not-plain-text')) {
        this.reasons.push(
          reason('certificate-missing', 'KeyInfo carries no X509Certificate: the signer cannot be identified'),
        );
      }
      return undefined;
    }
    const out: X509Certificate[] = [];
    for (const [i, der] of signature.certificates.entries()) {
      try {
        out.push(parseCertificate(der));
      } catch {
        this.reasons.push(
          reason(
            'certificate-unreadable',
            `X509Certificate #${i + 1} in KeyInfo is not a readable certificate (${der.length} bytes)`,
          ),
        );
        return undefined;
      }
    }
    return out;
  }

  private async checkSignatureValue(
    signature: ReadSignature,
    signer: X509Certificate,
    verdict: Verdict,
  ): Promise<void> {
    const method = signature.signatureMethod;
    const key = signer.publicKey;
    if (key.asymmetricKeyType !== method.keyType) {
      this.reasons.push(
        reason(
          'key-algorithm-mismatch',
          `SignatureMethod ${method.name} needs an ${method.keyType.toUpperCase()} key; the certificate has ${key.asymmetricKeyType}`,
        ),
      );
      return;
    }
    if (method.keyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
      verdict.weak = true;
      this.reasons.push(reason('weak-key', `RSA key of ${key.asymmetricKeyDetails?.modulusLength} bits`, 'note'));
    }
    const signedInfo = this.canonicalSignedInfo(signature);
    // in libuv's thread pool (the callback form): the public-key operation is the costliest step left
    // of a verdict, and the event loop that asked for it goes on with other requests meanwhile
    const ok = await new Promise<boolean>((resolve, reject) =>
      verifySignature(
        method.hash,
        signedInfo,
        method.keyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key,
        signature.signatureValue,
        (err, result) => (err ? reject(err) : resolve(result)),
      ),
    );
    if (!ok) {
      this.reasons.push(
        reason(
          'signature-mismatch',
          `SignatureValue does not verify over SignedInfo with the key of "${distinguishedName(signer.subject)}"`,
        ),
      );
    }
  }

  private canonicalSignedInfo(signature: ReadSignature): Buffer {
    const capture = this.capture!;
    const scopes = new ScopeStack(capture.scope);
    scopes.push(capture.events[0] as StartToken);
    const parts: Buffer[] = [];
    const c14n = new Canonicalizer({
      algorithm: signature.canonicalization,
      sink: (b) => parts.push(Buffer.from(b)),
      subtreeOf: scopes.current,
      inclusivePrefixes: signature.canonicalizationPrefixes,
    });
    for (let i = signature.signedInfo.firstEvent; i < signature.signedInfo.endEvent; i++) c14n.push(capture.events[i]!);
    c14n.finish();
    return Buffer.concat(parts);
  }
}

/** The end-entity certificate: the one that issued none of the others (the first such). */
function pickSigner(certificates: X509Certificate[]): X509Certificate | undefined {
  return certificates.find((c) => !certificates.some((other) => other !== c && issues(c, other))) ?? certificates[0];
}

function matchesExpected(expected: ExpectedSigner, summary: CertificateSummary, cert: X509Certificate): boolean {
  if (typeof expected === 'function') return expected(summary, cert);
  return summary.agencyCode === expected.agencyCode;
}

function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\s*([,=+])\s*/g, '$1').toLowerCase();
  return norm(a) === norm(b);
}
