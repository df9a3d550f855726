import type { Timeline, TimelineAttachment } from '@lienthong/client';
import { formatBytes, formatDate } from './output.js';

/** Each attachment with what the hub's inspection found, then the document's signature sentence. */
export function renderAttachments(t: Pick<Timeline, 'attachments' | 'documentSignature'>): string[] {
  const lines = t.attachments.flatMap(renderAttachment);
  if (t.documentSignature) lines.push(`  PDF signature: ${t.documentSignature.text}`);
  return lines;
}

function renderAttachment(a: TimelineAttachment): string[] {
  const i = a.inspection;
  const found =
    i === undefined
      ? ''
      : i.state === 'pending'
        ? ' — signatures not checked yet'
        : i.state === 'signed'
          ? ` — ${i.format === 'zip' ? `ZIP of ${i.entryName}, ` : ''}signed PDF`
          : i.state === 'unsigned'
            ? ` — ${i.format === 'zip' ? `ZIP of ${i.entryName}, ` : ''}PDF without signature`
            : ` — ${i.state}: ${i.reasons.map((r) => r.code).join(', ')}`;
  const lines = [`  attachment ${a.index}: ${a.name ?? '(no name)'} ${formatBytes(a.size)}${found}`];
  for (const [n, s] of (a.signatures ?? []).entries()) {
    const who = s.signer ? `${s.signer.subject}${s.signer.agencyCode ? ` [${s.signer.agencyCode}]` : ''}` : 'no signer';
    const when = s.signingTime
      ? `, signed ${formatDate(s.signingTime)}${s.signingTimeSource === 'pdf' ? ' (claimed)' : ''}`
      : '';
    lines.push(`    signature ${n + 1}: ${s.status}${s.weak ? ' (WEAK)' : ''} — ${who}${when}`);
    for (const r of s.reasons.filter((x) => x.severity !== 'note')) {
      lines.push(`      ${r.severity} ${r.code}: ${r.message}`);
    }
  }
  return lines;
}
