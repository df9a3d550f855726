// The hub's own <TraceHeader>, spliced into a document package where the parser said it belongs.

import type { DocumentRecord } from '../store/store.js';

export function hubTraceHeaderXml(doc: DocumentRecord, hubId: string): string | undefined {
  if (doc.traceOffset === undefined || doc.hubTraceTimestamp === undefined) return undefined;
  const p = doc.tracePrefix ? `${doc.tracePrefix}:` : '';
  const indent = doc.traceIndent ?? '';
  const inner = indent === '' ? '' : `${indent}  `;
  return (
    `${indent}<${p}TraceHeader>` +
    `${inner}<${p}OrganId>${escapeXml(hubId)}</${p}OrganId>` +
    `${inner}<${p}Timestamp>${escapeXml(doc.hubTraceTimestamp)}</${p}Timestamp>` +
    `${indent}</${p}TraceHeader>`
  );
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
