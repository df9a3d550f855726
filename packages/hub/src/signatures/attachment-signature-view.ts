// The timeline's view of attachment signatures: each attachment's inspection and signatures, and the
// document-level sentence "carries a valid digital signature by …".

import type { AttachmentSignature, DocumentSignatureSummary, TimelineAttachment } from '../core/contract.js';
import type { AttachmentInspectionRecord, AttachmentRecord } from '../store/store.js';

export function attachmentViews(
  attachments: readonly AttachmentRecord[],
  inspections: readonly AttachmentInspectionRecord[],
): { attachments: TimelineAttachment[]; summary: DocumentSignatureSummary } {
  const bySha = new Map(inspections.map((i) => [i.sha256, i]));
  const views = attachments.map((a): TimelineAttachment => {
    const view: TimelineAttachment = {
      index: a.index,
      name: a.name,
      contentType: a.contentType,
      size: a.size,
      sha256: a.sha256,
    };
    const found = bySha.get(a.sha256);
    if (!found) {
      view.inspection = { state: 'pending', reasons: [] };
      return view;
    }
    view.inspection = {
      state: found.outcome,
      format: found.format,
      ...(found.entryName === undefined ? {} : { entryName: found.entryName }),
      reasons: found.reasons,
      checkedAt: found.checkedAt,
    };
    if (found.outcome === 'signed') view.signatures = found.signatures;
    return view;
  });
  return { attachments: views, summary: summarize(views) };
}

function summarize(views: readonly TimelineAttachment[]): DocumentSignatureSummary {
  const signers: DocumentSignatureSummary['signers'] = [];
  let others = 0;
  for (const a of views) {
    for (const s of a.signatures ?? []) {
      if (!isValidWhole(s)) {
        others++;
        continue;
      }
      signers.push({
        subject: s.signer.subject,
        ...(s.signer.agencyCode === undefined ? {} : { agencyCode: s.signer.agencyCode }),
        attachmentIndex: a.index,
        ...(s.signingTime === undefined ? {} : { signingTime: s.signingTime }),
      });
    }
  }
  if (signers.length > 0) {
    const names = [...new Set(signers.map(signerName))];
    return { state: 'signed', signers, text: `carries a valid digital signature by ${names.join(', ')}` };
  }
  if (views.some((a) => a.inspection?.state === 'pending')) {
    return { state: 'pending', signers, text: 'attachment signatures not checked yet' };
  }
  const note = others > 0 ? ` (${others} signature${others > 1 ? 's' : ''} found, none valid over the whole file)` : '';
  return { state: 'not-signed', signers, text: `carries no valid digital signature${note}` };
}

function isValidWhole(
  s: AttachmentSignature,
): s is AttachmentSignature & { signer: NonNullable<AttachmentSignature['signer']> } {
  return s.status === 'valid' && s.coversWholeDocument && s.signer !== undefined;
}

function signerName(s: { subject: string; agencyCode?: string }): string {
  const cn = /(?:^|,\s*)CN=((?:\\.|[^,\\])+)/.exec(s.subject)?.[1]?.replace(/\\(.)/g, '$1') ?? s.subject;
  return s.agencyCode ? `${cn} (${s.agencyCode})` : cn;
}
