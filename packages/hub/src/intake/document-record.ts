// The metadata of a parsed package as the store keeps it.

import type { ParseResult } from '@lienthong/edxml';
import type { NewDocumentRecord } from '../store/store.js';

export function documentRecord(args: {
  docId: string;
  parsed: ParseResult;
  submittedBy: string;
  blobKey: string;
  sha256: string;
  size: number;
  acceptedAt: Date;
  hubTraceTimestamp: string;
  responseForDocId?: string;
}): NewDocumentRecord {
  const { parsed } = args;
  const pkg = parsed.package;
  const common = {
    docId: args.docId,
    submittedBy: args.submittedBy,
    blobKey: args.blobKey,
    xmlStart: parsed.xmlStart,
    xmlEnd: parsed.xmlEnd,
    sha256: args.sha256,
    size: args.size,
    acceptedAt: args.acceptedAt,
    hubTraceTimestamp: args.hubTraceTimestamp,
  };
  if (pkg.kind === 'status') {
    return {
      ...common,
      messageType: 'status',
      sender: pkg.from.organId,
      statusCode: pkg.statusCode,
      statusDescription: pkg.description,
      statusStaff: pkg.staffInfo.staff,
      responseForDocId: args.responseForDocId,
      responseForOrganId: pkg.responseFor.organId,
      responseForDocumentId: pkg.responseFor.documentId,
      codeNumber: pkg.responseFor.code,
    };
  }
  const h = pkg.header;
  const business = pkg.business.docType;
  return {
    ...common,
    messageType: 'edoc',
    sender: h.from.organId,
    documentId: h.documentId,
    businessType: business,
    businessTarget:
      business === 0
        ? undefined
        : (pkg.business.documentId ?? pkg.business.replacements?.[0]?.documentId ?? h.documentId),
    subject: h.subject,
    codeNumber: h.code.codeNumber,
    codeNotation: h.code.codeNotation,
    priority: h.otherInfo.priority,
    dueDate: h.dueDate,
    traceOffset: parsed.traceInsertion?.offset,
    tracePrefix: parsed.traceInsertion?.prefix,
    traceIndent: parsed.traceInsertion?.indent,
  };
}
