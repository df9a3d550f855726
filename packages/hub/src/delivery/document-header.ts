// The header fields of a document that every list of documents shows (inbox, clerk lists).

import type { DocumentRecord } from '../store/store.js';

export function documentHeader(
  doc: DocumentRecord,
): Pick<DocumentRecord, 'subject' | 'codeNumber' | 'codeNotation' | 'priority' | 'dueDate' | 'businessType'> {
  return {
    subject: doc.subject,
    codeNumber: doc.codeNumber,
    codeNotation: doc.codeNotation,
    priority: doc.priority,
    dueDate: doc.dueDate,
    businessType: doc.businessType,
  };
}
