import { randomInt } from 'node:crypto';
import {
  type AttachmentInput,
  type Business,
  buildDocument,
  buildStatus,
  collect,
  type DocumentInput,
  formatDate,
  formatTimestamp,
  type StatusCode,
} from '@lienthong/edxml';

export interface SampleDocument {
  bytes: Buffer;
  documentId: string;
  codeNumber: string;
  codeNotation: string;
  promulgationDate: string;
  input: DocumentInput;
}

export interface SampleDocumentOptions {
  from: string;
  to: string[];
  subject?: string;
  business?: Business;
  attachments?: AttachmentInput[];
  /** reuse an existing DocumentId (update/replace of the same document) */
  documentId?: string;
}

/** A valid document package built with the edxml builder, with a fresh DocumentId. */
export async function sampleDocument(opts: SampleDocumentOptions): Promise<SampleDocument> {
  const promulgationDate = formatDate(new Date());
  const codeNumber = String(randomInt(1, 99_999_999));
  const codeNotation = 'TEST-HUB';
  const documentId = opts.documentId ?? `${opts.from},${promulgationDate},${codeNumber}/${codeNotation}`;
  const input: DocumentInput = {
    header: {
      from: { organId: opts.from, organName: `Cơ quan ${opts.from}`, email: 'vanthu@example.gov.vn' },
      to: opts.to.map((organId) => ({ organId, organName: `Cơ quan ${organId}` })),
      documentId,
      code: { codeNumber, codeNotation },
      promulgationInfo: { place: 'Hà Nội', promulgationDate },
      documentType: { type: 1, typeDetail: 0, typeName: 'Công văn' },
      subject: opts.subject ?? 'V/v kiểm thử liên thông văn bản',
      content: 'Nội dung kiểm thử',
      signerInfo: { competence: 'KT. BỘ TRƯỞNG', position: 'Thứ trưởng', fullName: 'Nguyễn Văn A' },
      otherInfo: { priority: 0, appendixes: [] },
      responseFor: [],
      steeringType: 1,
      toPlaces: ['Như trên'],
    },
    traces: [{ organId: opts.from, timestamp: formatTimestamp(new Date()) }],
    business: opts.business ?? { docType: 0, reason: 'Văn bản điện tử mới', paper: false },
    attachments: opts.attachments ?? [
      { attachmentName: 'cong-van.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 kiểm thử\n') },
    ],
  };
  return { bytes: await collect(buildDocument(input)), documentId, codeNumber, codeNotation, promulgationDate, input };
}

/** A status package from `from` about `doc` (sent by `doc`'s issuer). */
export function sampleStatus(from: string, doc: SampleDocument, statusCode: StatusCode, description?: string): Buffer {
  const xml = buildStatus({
    from: { organId: from, organName: `Cơ quan ${from}` },
    responseFor: {
      organId: doc.input.header.from.organId,
      code: `${doc.codeNumber}/${doc.codeNotation}`,
      promulgationDate: doc.promulgationDate,
      documentId: doc.documentId,
    },
    staffInfo: { department: 'Văn thư', staff: 'Trần Thị B', email: 'b@example.gov.vn', mobile: '0912000001' },
    statusCode,
    description: description ?? `Trạng thái ${statusCode}`,
    timestamp: formatTimestamp(new Date()),
  });
  return Buffer.from(xml, 'utf8');
}
