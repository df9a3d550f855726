// Signed checkpoints of the audit chain head: a compact JWS over {seq, hash, at}, so a rewritten or
// truncated chain shows against a checkpoint kept elsewhere.
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../json/canonical-json.js';
import { signCompactJws } from '../jws/compact-jws.js';
import { type SignedJsonOptions, verifySignedJson } from '../jws/verify-signed-json.js';
import type { CertificateInput } from '../x509/certificate-input.js';
import type { CertificateSummary } from '../x509/certificate-summary.js';
import { type Reason, reason } from '../xmldsig/reasons.js';

export const CHECKPOINT_TYPE = 'lienthong-checkpoint+jws';
const PAYLOAD_TYPE = 'lienthong.audit-checkpoint.v1';

export interface CheckpointFields {
  /** seq of the head record */
  seq: number;
  /** hex hash of the head record */
  hash: string;
  /** ISO 8601 UTC */
  at: string;
}

export function signCheckpoint(
  head: { seq: number; hash: string; at?: Date },
  key: KeyObject | string | Uint8Array,
  certChain: readonly CertificateInput[],
): string {
  const fields: CheckpointFields = { seq: head.seq, hash: head.hash, at: (head.at ?? new Date()).toISOString() };
  if (problem(fields)) throw new TypeError(`checkpoint: ${problem(fields)}`);
  return signCompactJws(canonicalJson({ type: PAYLOAD_TYPE, ...fields }), CHECKPOINT_TYPE, key, certChain);
}

export async function verifyCheckpoint(
  checkpoint: string,
  trustAnchors: readonly CertificateInput[],
  options: SignedJsonOptions = {},
): Promise<{ valid: boolean; reasons: Reason[]; fields?: CheckpointFields; signer?: CertificateSummary }> {
  const result = await verifySignedJson(checkpoint, CHECKPOINT_TYPE, trustAnchors, {
    ...options,
    timeOf: (p) => (typeof p.at === 'string' ? new Date(p.at) : undefined),
  });
  if (!result.payload) return { valid: false, reasons: result.reasons };
  const { type, ...fields } = result.payload;
  const bad = type !== PAYLOAD_TYPE ? `type is "${String(type)}"` : problem(fields as unknown as CheckpointFields);
  if (bad) result.reasons.push(reason('checkpoint-malformed', `not a checkpoint: ${bad}`));
  return {
    valid: result.valid && !bad,
    reasons: result.reasons,
    fields: fields as unknown as CheckpointFields,
    ...(result.signer ? { signer: result.signer } : {}),
  };
}

function problem(f: CheckpointFields): string | undefined {
  if (Object.keys(f).sort().join(',') !== 'at,hash,seq') return 'fields must be seq, hash, at';
  if (!Number.isSafeInteger(f.seq) || f.seq < 0) return 'seq must be a non-negative integer';
  if (typeof f.hash !== 'string' || !/^[0-9a-f]{64}$/.test(f.hash)) return 'hash must be 64 lower-case hex digits';
  if (typeof f.at !== 'string' || Number.isNaN(Date.parse(f.at))) return 'at must be an ISO 8601 timestamp';
  return undefined;
}
