import type { SignatureVerdict } from '@lienthong/client';
import { formatDate } from './output.js';

type Shown = Pick<SignatureVerdict, 'status' | 'weak' | 'algorithm' | 'signer' | 'reasons'> &
  Partial<Pick<SignatureVerdict, 'policy' | 'checkedAt'>>;

/** A signature verdict for people: status, algorithm, signer, then each finding. */
export function renderSignature(v: Shown, indent = '  '): string[] {
  const head = [
    `signature ${v.status}${v.weak ? ' (WEAK)' : ''}`,
    v.algorithm,
    v.policy ? `policy ${v.policy}` : undefined,
    v.checkedAt ? `checked ${formatDate(v.checkedAt)}` : undefined,
  ];
  const lines = [`${indent}${head.filter(Boolean).join(', ')}`];
  if (v.signer) {
    lines.push(`${indent}  signer ${v.signer.subject}`);
    lines.push(
      `${indent}  serial ${v.signer.serialNumber}${v.signer.agencyCode ? `, agency ${v.signer.agencyCode}` : ''}`,
    );
    lines.push(`${indent}  SHA-256 ${v.signer.fingerprint256}`);
  }
  for (const r of v.reasons) lines.push(`${indent}  ${r.severity} ${r.code}: ${r.message}`);
  return lines;
}
