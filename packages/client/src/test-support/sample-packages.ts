import { buildStatus, collect, formatDate, formatTimestamp, type StatusCode } from '@lienthong/edxml';
import { buildSimpleDocument } from '../build/simple-document.js';

let counter = 0;

/** A small document package from `from` to `to`, unique per call. */
export async function sampleDocument(from: string, to: string[], attachment = Buffer.from('Nội dung văn bản')) {
  counter++;
  const codeNumber = `${Date.now() % 100000}${counter}`;
  const bytes = await collect(
    buildSimpleDocument({
      from,
      to,
      codeNumber,
      codeNotation: 'UBND-VP',
      subject: `Về việc thử nghiệm liên thông số ${codeNumber}`,
      attachments: [{ name: 'công-văn.pdf', content: attachment }],
    }),
  );
  const documentId = `${from},${formatDate(new Date())},${codeNumber}/UBND-VP`;
  return { bytes, documentId, codeNumber };
}

/** A status package from `from` about the document `documentId` issued by `issuer`. */
export function sampleStatus(from: string, issuer: string, documentId: string, statusCode: StatusCode): Buffer {
  return Buffer.from(
    buildStatus({
      from: { organId: from, organName: 'Đơn vị nhận' },
      responseFor: { organId: issuer, documentId },
      staffInfo: { staff: 'Nguyễn Thị Văn Thư', department: 'Văn phòng' },
      statusCode,
      description: `Trạng thái ${statusCode}`,
      timestamp: formatTimestamp(new Date()),
    }),
    'utf8',
  );
}
