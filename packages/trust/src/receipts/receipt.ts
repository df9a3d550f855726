// Signed intake receipts: what the hub accepted, when, from whom, for whom — a compact JWS over
// canonical JSON, carrying the hub's certificate chain, verifiable offline against the root.
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../json/canonical-json.js';
import { signCompactJws, signCompactJwsAsync } from '../jws/compact-jws.js';
import { type SignedJsonOptions, verifySignedJson } from '../jws/verify-signed-json.js';
import type { CertificateInput } from '../x509/certificate-input.js';
import type { CertificateSummary } from '../x509/certificate-summary.js';
import { type Reason, reason } from '../xmldsig/reasons.js';

export const RECEIPT_TYPE = 'lienthong-receipt+jws';
const PAYLOAD_TYPE = 'lienthong.receipt.v1';

export interface ReceiptFields {
  /** edXML DocumentId */
  docId: string;
  /** hex SHA-256 of the package bytes as received */
  sha256: string;
  /** package size in bytes */
  size: number;
  /** sender agency code */
  sender: string;
  /** recipient agency codes, in the order given (empty for a recall with nothing left to forward) */
  recipients: string[];
  /** ISO 8601 UTC, milliseconds */
  acceptedAt: string;
  /** the accepting hub's id (the organId of its TraceHeader); absent in receipts of hubs that do not name themselves */
  hubId?: string;
}

export interface ReceiptInput extends Omit<ReceiptFields, 'acceptedAt'> {
  acceptedAt: Date | string;
}

/** A compact JWS (`header.payload.signature`, base64url) whose payload is the canonical JSON of the fields. */
export type Receipt = string;

export function createReceipt(
  input: ReceiptInput,
  hubKey: KeyObject | string | Uint8Array,
  hubCertChain: readonly CertificateInput[],
): Receipt {
  return signCompactJws(receiptPayload(input), RECEIPT_TYPE, hubKey, hubCertChain);
}

function receiptPayload(input: ReceiptInput): string {
  const fields: ReceiptFields = {
    docId: input.docId,
    sha256: input.sha256.toLowerCase(),
    size: input.size,
    sender: input.sender,
    recipients: [...input.recipients],
    acceptedAt: new Date(input.acceptedAt).toISOString(),
    ...(input.hubId !== undefined ? { hubId: input.hubId } : {}),
  };
  const problem = fieldProblem(fields);
  if (problem) throw new TypeError(`receipt: ${problem}`);
  return canonicalJson({ type: PAYLOAD_TYPE, ...fields });
}

export interface ReceiptVerdict {
  valid: boolean;
  reasons: Reason[];
  fields?: ReceiptFields;
  hub?: CertificateSummary;
}

/** Checks the signature, the payload and the hub's chain (judged at acceptedAt unless `now` is given). */
export async function verifyReceipt(
  receipt: Receipt,
  trustAnchors: readonly CertificateInput[],
  options: SignedJsonOptions = {},
): Promise<ReceiptVerdict> {
  const result = await verifySignedJson(receipt, RECEIPT_TYPE, trustAnchors, {
    ...options,
    timeOf: (p) => (typeof p.acceptedAt === 'string' ? new Date(p.acceptedAt) : undefined),
  });
  const reasons = result.reasons;
  if (!result.payload) return { valid: false, reasons };
  const { type, ...fields } = result.payload;
  const problem =
    type !== PAYLOAD_TYPE ? `type is "${String(type)}"` : fieldProblem(fields as unknown as ReceiptFields);
  if (problem) reasons.push(reason('receipt-malformed', `not a receipt: ${problem}`));
  return {
    valid: result.valid && !problem,
    reasons,
    fields: fields as unknown as ReceiptFields,
    ...(result.signer ? { hub: result.signer } : {}),
  };
}

function fieldProblem(f: ReceiptFields): string | undefined {
  const keys = Object.keys(f)
    .filter((k) => k !== 'hubId')
    .sort()
    .join(',');
  if (keys !== 'acceptedAt,docId,recipients,sender,sha256,size') return `fields are ${Object.keys(f).sort().join(',')}`;
  if ('hubId' in f && (typeof f.hubId !== 'string' || f.hubId === '')) return 'hubId must be a non-empty string';
  if (typeof f.docId !== 'string' || f.docId === '') return 'docId must be a non-empty string';
  if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256))
    return 'sha256 must be 64 lower-case hex digits';
  if (!Number.isSafeInteger(f.size) || f.size < 0) return 'size must be a non-negative integer';
  if (typeof f.sender !== 'string' || f.sender === '') return 'sender must be a non-empty string';
  // empty when a recall found nothing left to forward: the package was accepted all the same
  if (!Array.isArray(f.recipients) || f.recipients.some((r) => typeof r !== 'string' || r === '')) {
    return 'recipients must be a list of agency codes';
  }
  if (
    typeof f.acceptedAt !== 'string' ||
    Number.isNaN(Date.parse(f.acceptedAt)) ||
    new Date(f.acceptedAt).toISOString() !== f.acceptedAt
  ) {
    return 'acceptedAt must be an ISO 8601 UTC timestamp';
  }
  return undefined;
}

/** createReceipt with the signature computed in libuv's thread pool, off the event loop. */
export async function createReceiptAsync(
  input: ReceiptInput,
  hubKey: KeyObject | string | Uint8Array,
  hubCertChain: readonly CertificateInput[],
): Promise<Receipt> {
  return signCompactJwsAsync(receiptPayload(input), RECEIPT_TYPE, hubKey, hubCertChain);
}
