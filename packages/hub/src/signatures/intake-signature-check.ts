// The signature check of a package at intake, as a function of its bytes and the trust inputs alone:
// no HubContext, no store, no policy. The event loop (verifyAtIntake) and the intake workers run
// exactly this, so a verdict does not depend on where it was computed.

import type { X509Certificate } from 'node:crypto';
import type { ParseResult } from '@lienthong/edxml';
import {
  type ChainCache,
  type CrlInput,
  type PackageSignatureVerifier,
  type Verdict,
  type VerifyOptions,
  verifyPackage,
} from '@lienthong/trust';
import type { ByteRange } from '../blobs/blob-store.js';

export interface IntakeTrust {
  anchors: readonly X509Certificate[];
  intermediates: readonly X509Certificate[];
  /** the CRLs as last refreshed (their objects are the chain cache's CRL generation) */
  crls: readonly CrlInput[];
  /** the hub's `trust.staleCrl` */
  staleCrl: 'indeterminate' | 'accept';
  chainCache?: ChainCache;
}

/** What the verifier found, and at which time it judged certificates and CRLs. */
export interface IntakeSignatureCheck {
  raw: Verdict;
  checkedAt: Date;
}

/**
 * Verifies the package's XML signature over its XML bytes (`read` returns them, from the first to
 * the last XML byte), expecting the signer to be `sender`. `mentionsSignature`: whether the body
 * spells "Signature" anywhere, when the intake's streaming pass already found out (else the bytes are
 * read again for it).
 */
export async function checkIntakeSignature(
  read: (range: ByteRange) => AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  parsed: ParseResult,
  sender: string,
  trust: IntakeTrust,
  mentionsSignatureHint?: boolean,
): Promise<IntakeSignatureCheck> {
  const checkedAt = new Date();
  const range = { start: parsed.xmlStart, end: parsed.xmlEnd };
  // No Signature element (the parser saw none and the bytes never spell the name): the verdict is
  // 'absent' whatever the rest, so a second pass over a large unsigned package is not worth its time.
  const unsigned = !parsed.package.signature && !(mentionsSignatureHint ?? (await mentionsSignature(read(range))));
  const raw = await verifyPackage(unsigned ? [EMPTY_PACKAGE] : read(range), verifyOptions(sender, trust, checkedAt));
  return { raw, checkedAt };
}

/**
 * The same check when the parser's tokenizer already fed the package's events to `verifier` (its
 * `tap`): the digest is computed; what is left is the signature value, the certificates and the policy.
 */
export async function checkTappedSignature(
  verifier: PackageSignatureVerifier,
  sender: string,
  trust: IntakeTrust,
): Promise<IntakeSignatureCheck> {
  const checkedAt = new Date();
  const raw = await verifier.verdict(verifyOptions(sender, trust, checkedAt));
  return { raw, checkedAt };
}

function verifyOptions(sender: string, trust: IntakeTrust, now: Date): VerifyOptions {
  return {
    trustAnchors: trust.anchors,
    intermediates: trust.intermediates,
    crls: trust.crls,
    now,
    staleCrl: trust.staleCrl === 'accept' ? 'note' : 'indeterminate',
    expectedSigner: { agencyCode: sender },
    ...(trust.chainCache ? { chainCache: trust.chainCache } : {}),
  };
}

const EMPTY_PACKAGE = Buffer.from('<edXML/>');
const NAME = Buffer.from('Signature');

/** Whether the bytes contain "Signature" anywhere (a chunk boundary may split it). */
async function mentionsSignature(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<boolean> {
  let tail = Buffer.alloc(0);
  for await (const c of source) {
    const chunk = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    if (tail.length > 0 && Buffer.concat([tail, chunk.subarray(0, NAME.length - 1)]).includes(NAME)) return true;
    if (chunk.includes(NAME)) return true;
    tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - (NAME.length - 1))));
  }
  return false;
}
