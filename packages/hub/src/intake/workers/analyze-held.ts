// What an intake worker does with one held package body: parse it (attachments decoded into their
// own buffers), validate it, hash it, and check its XML signature, exactly as the event loop's
// streaming path would (same parser, same validator, same signature check). Plain data in and out.

import { createHash } from 'node:crypto';
import {
  type AttachmentSink,
  EdxmlError,
  type EdxmlErrorCode,
  type ParseResult,
  parseEdxml,
  type ValidationIssue,
  validatePackage,
} from '@lienthong/edxml';
import { PackageSignatureVerifier } from '@lienthong/trust';
import {
  checkTappedSignature,
  type IntakeSignatureCheck,
  type IntakeTrust,
} from '../../signatures/intake-signature-check.js';
import { packageSender } from '../sender-authorization.js';

export interface HeldAnalysis {
  kind: 'parsed';
  parsed: ParseResult;
  /** decoded bytes of each attachment whose content the parser streamed, by attachment index */
  attachments: { index: number; bytes: Uint8Array }[];
  bodySha256: string;
  /** from the first XML byte to the end of the body */
  sha256: string;
  issues: ValidationIssue[];
  /** absent when validation found errors (the package is refused before any signature check) */
  signatureCheck?: IntakeSignatureCheck;
}

/** The parser refused the input: the EdxmlError's fields, to be rebuilt on the other side. */
export interface HeldParseError {
  kind: 'edxml-error';
  code: EdxmlErrorCode;
  message: string;
  path: string;
  offset: number | undefined;
}

export async function analyzeHeld(
  bytes: Uint8Array,
  maxAttachmentBytes: number,
  trust: IntakeTrust,
): Promise<HeldAnalysis | HeldParseError> {
  const attachments: { index: number; bytes: Uint8Array }[] = [];
  const sink: AttachmentSink = {
    begin(index) {
      const chunks: Buffer[] = [];
      let size = 0;
      return {
        write(chunk) {
          // copied: the parser may reuse its buffer
          chunks.push(Buffer.from(chunk));
          size += chunk.byteLength;
        },
        end() {
          // an ArrayBuffer of its own (not the Buffer pool's), so that it can be transferred
          const out = new Uint8Array(new ArrayBuffer(size));
          let at = 0;
          for (const c of chunks) {
            out.set(c, at);
            at += c.byteLength;
          }
          attachments.push({ index, bytes: out });
          return undefined;
        },
        abort() {},
      };
    },
  };
  let parsed: ParseResult;
  // the signature is digested from the parser's own events: the bytes are tokenized once
  const verifier = new PackageSignatureVerifier();
  try {
    parsed = await parseEdxml(once(bytes), {
      attachmentSink: sink,
      limits: { maxAttachmentBytes },
      tap: (event) => verifier.push(event),
    });
  } catch (err) {
    if (!(err instanceof EdxmlError)) throw err;
    return { kind: 'edxml-error', code: err.code, message: err.message, path: err.path, offset: err.offset };
  }
  const bodySha256 = sha256Of(bytes);
  const sha256 = parsed.xmlStart > 0 ? sha256Of(bytes.subarray(parsed.xmlStart)) : bodySha256;
  const issues = validatePackage(parsed.package);
  const result: HeldAnalysis = { kind: 'parsed', parsed, attachments, bodySha256, sha256, issues };
  if (!issues.some((i) => i.severity === 'error')) {
    const sender = packageSender(parsed.package);
    result.signatureCheck = await checkTappedSignature(verifier, sender, trust);
  }
  return result;
}

/** The EdxmlError the parser threw, rebuilt from its fields. */
export function toEdxmlError(e: HeldParseError): EdxmlError {
  const err = new EdxmlError(e.code, '', e.path, e.offset);
  err.message = e.message;
  return err;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
