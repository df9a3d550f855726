import type { Timeline } from '@lienthong/client';
import type { Command } from 'commander';
import { chooseVia, type GlobalOptions, v1Client } from '../support/connection.js';
import { createOutput, formatBytes, formatDate } from '../support/output.js';
import { renderAttachments } from '../support/render-attachment-signatures.js';
import { renderSignature } from '../support/render-signature.js';
import { renderTable } from '../support/table.js';

export function registerTimeline(program: Command): void {
  program
    .command('timeline')
    .description("a document's journey: every recipient's transport state and business statuses")
    .argument('<docId>', 'the DocId')
    .action(async (docId: string, _opts: GlobalOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions>();
      const out = createOutput(Boolean(o.json));
      chooseVia(o, false);
      const t = await v1Client(o).timeline(docId);
      out.result(() => renderTimeline(t), t);
    });
}

function renderTimeline(t: Timeline): string {
  const lines = [
    `${t.messageType === 'status' ? 'Status package' : 'Document'} ${t.docId}`,
    t.documentId ? `  DocumentId: ${t.documentId}` : '',
    t.codeNumber || t.codeNotation ? `  Số, ký hiệu: ${[t.codeNumber, t.codeNotation].filter(Boolean).join('/')}` : '',
    t.subject ? `  Trích yếu: ${t.subject}` : '',
    `  From ${t.sender}, accepted ${formatDate(t.acceptedAt)}, ${formatBytes(t.size)}`,
    ...t.related.map((r) => `  ${r.relation} ${r.docId}`),
    ...renderAttachments(t),
  ].filter((l) => l !== '');
  if (t.signature) lines.push(...renderSignature(t.signature));
  for (const r of t.recipients) {
    lines.push('', `${r.code}${r.name ? ` — ${r.name}` : ''}: ${r.state}`);
    if (r.statuses.length > 0) {
      lines.push(
        indent(
          renderTable(r.statuses, [
            { header: 'STATUS', value: (s) => s.statusCode },
            { header: 'AT', value: (s) => formatDate(s.at) },
            { header: 'STAFF', value: (s) => s.staff },
            { header: 'DESCRIPTION', value: (s) => s.description, max: 70 },
          ]),
        ),
      );
    }
    for (const e of r.events) {
      const what = [e.kind, e.statusCode, e.detail, e.relatedDocId].filter(Boolean).join(' ');
      lines.push(`    ${formatDate(e.at)}  ${what}`);
    }
  }
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
