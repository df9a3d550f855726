// Writes edXML packages in the standard form: `edXML:` prefix laid out as in the vendor samples,
// the standard `Bussiness` spelling, standard date forms. Attachments are base64-encoded on the
// fly in bounded chunks, so building a package never holds a whole attachment in memory.
import type { AttachmentInput, DocumentInput, StatusInput } from './contract.js';
import { normalizeDate, normalizeTimestamp } from './dates.js';
import {
  type Business,
  type DocumentHeader,
  EDXML_NAMESPACE,
  type Organization,
  type ResponseFor,
  type StaffInfo,
  type TraceHeader,
} from './model.js';

/** bytes of attachment content encoded per emitted chunk (a multiple of 3: no padding mid-stream) */
const ENCODE_CHUNK = 48 * 1024;
/** markup is buffered up to this many characters before it is emitted */
const MARKUP_FLUSH = 16 * 1024;

/** Streams a document package. */
export async function* buildDocument(input: DocumentInput): AsyncIterable<Buffer> {
  const attachments = input.attachments ?? [];
  const contentIds = attachments.map((a, i) => a.contentId ?? `cid:${i + 1}`);
  const w = new MarkupWriter();
  w.raw('<?xml version="1.0" encoding="UTF-8"?>\n');
  w.raw(`<edXML xmlns="${EDXML_NAMESPACE}">\n`);
  w.raw(`  <edXML:edXMLEnvelope xmlns:edXML="${EDXML_NAMESPACE}">\n`);
  w.open('edXMLHeader', 2);
  documentHeader(w, input.header);
  w.open('TraceHeaderList', 3);
  for (const trace of input.traces ?? []) traceHeader(w, trace);
  business(w, input.business ?? { docType: 0 });
  w.close('TraceHeaderList', 3);
  w.close('edXMLHeader', 2);
  w.open('edXMLBody', 2);
  w.raw('      <edXML:edXMLManifest version="1.0">\n');
  attachments.forEach((a, i) => {
    w.open('Reference', 4);
    w.leaf('ContentId', contentIds[i], 5);
    w.leaf('ContentType', a.contentType, 5);
    w.leaf('Description', a.description, 5);
    w.leaf('AttachmentName', a.attachmentName, 5);
    w.close('Reference', 4);
  });
  w.close('edXMLManifest', 3);
  w.close('edXMLBody', 2);
  w.raw('  </edXML:edXMLEnvelope>\n');
  if (attachments.length > 0) {
    w.raw('  <AttachmentEncoded>\n');
    for (const [i, a] of attachments.entries()) {
      w.raw('    <Attachment>\n');
      w.leaf('ContentId', contentIds[i], 3, '');
      w.leaf('AttachmentName', a.attachmentName, 3, '');
      w.leaf('Description', a.description, 3, '');
      w.leaf('ContentType', a.contentType, 3, '');
      w.raw(`      <edXML:ContentTransferEncoded xmlns:edXML="${EDXML_NAMESPACE}">`);
      yield w.take();
      yield* encodeBase64(a.content);
      w.raw('</edXML:ContentTransferEncoded>\n    </Attachment>\n');
      if (w.length > MARKUP_FLUSH) yield w.take();
    }
    w.raw('  </AttachmentEncoded>\n');
  }
  w.raw('</edXML>\n');
  yield w.take();
}

/** A status package, whole (status packages are small). */
export function buildStatus(input: StatusInput): string {
  const w = new MarkupWriter();
  w.raw('<?xml version="1.0" encoding="UTF-8"?>\n');
  w.raw(`<edXML xmlns="${EDXML_NAMESPACE}">\n`);
  w.raw(`  <edXML:edXMLEnvelope xmlns:edXML="${EDXML_NAMESPACE}">\n`);
  w.open('edXMLHeader', 2);
  w.open('MessageHeader', 3);
  organization(w, 'From', input.from);
  responseFor(w, input.responseFor);
  staffInfo(w, input.staffInfo, 4);
  w.leaf('StatusCode', input.statusCode, 4);
  w.leaf('Description', input.description, 4);
  w.leaf('Timestamp', standardTimestamp(input.timestamp), 4);
  w.close('MessageHeader', 3);
  w.close('edXMLHeader', 2);
  w.raw('  </edXML:edXMLEnvelope>\n</edXML>\n');
  return w.take().toString('utf8');
}

/** Concatenates a (small) streamed package. */
export async function collect(iterable: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of iterable) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function documentHeader(w: MarkupWriter, h: DocumentHeader): void {
  w.open('MessageHeader', 3);
  organization(w, 'From', h.from);
  for (const to of h.to) organization(w, 'To', to);
  w.leaf('DocumentId', h.documentId, 4);
  w.open('Code', 4);
  w.leaf('CodeNumber', h.code.codeNumber, 5);
  w.leaf('CodeNotation', h.code.codeNotation, 5);
  w.close('Code', 4);
  w.open('PromulgationInfo', 4);
  w.leaf('Place', h.promulgationInfo.place, 5);
  w.leaf('PromulgationDate', standardDate(h.promulgationInfo.promulgationDate), 5);
  w.close('PromulgationInfo', 4);
  w.open('DocumentType', 4);
  w.leaf('Type', h.documentType.type, 5);
  w.leaf('TypeDetail', h.documentType.typeDetail, 5);
  w.leaf('TypeName', h.documentType.typeName, 5);
  w.close('DocumentType', 4);
  w.leaf('Subject', h.subject, 4);
  w.leaf('Content', h.content, 4);
  w.open('SignerInfo', 4);
  w.leaf('Competence', h.signerInfo.competence, 5);
  w.leaf('Position', h.signerInfo.position, 5);
  w.leaf('FullName', h.signerInfo.fullName, 5);
  w.close('SignerInfo', 4);
  w.leaf('DueDate', standardDate(h.dueDate), 4);
  const o = h.otherInfo;
  w.open('OtherInfo', 4);
  w.leaf('Priority', o.priority, 5);
  w.leaf('SphereOfPromulgation', o.sphereOfPromulgation, 5);
  w.leaf('TyperNotation', o.typerNotation, 5);
  w.leaf('PromulgationAmount', o.promulgationAmount, 5);
  w.leaf('PageAmount', o.pageAmount, 5);
  w.leaf('Direction', o.direction, 5);
  w.open('Appendixes', 5);
  for (const appendix of o.appendixes) w.leaf('Appendix', appendix, 6);
  w.close('Appendixes', 5);
  w.close('OtherInfo', 4);
  for (const r of h.responseFor) responseFor(w, r);
  w.leaf('SteeringType', h.steeringType, 4);
  w.open('ToPlaces', 4);
  for (const place of h.toPlaces) w.leaf('Place', place, 5);
  w.close('ToPlaces', 4);
  w.close('MessageHeader', 3);
}

function organization(w: MarkupWriter, element: 'From' | 'To', org: Organization): void {
  w.open(element, 4);
  w.leaf('OrganId', org.organId, 5);
  w.leaf('OrganizationInCharge', org.organizationInCharge, 5);
  w.leaf('OrganName', org.organName, 5);
  w.leaf('OrganAdd', org.organAdd, 5);
  w.leaf('Email', org.email, 5);
  w.leaf('Telephone', org.telephone, 5);
  w.leaf('Fax', org.fax, 5);
  w.leaf('Website', org.website, 5);
  w.close(element, 4);
}

function responseFor(w: MarkupWriter, r: ResponseFor): void {
  w.open('ResponseFor', 4);
  w.leaf('OrganId', r.organId, 5);
  w.leaf('Code', r.code, 5);
  w.leaf('PromulgationDate', standardDate(r.promulgationDate), 5);
  w.leaf('DocumentId', r.documentId, 5);
  w.close('ResponseFor', 4);
}

function staffInfo(w: MarkupWriter, s: StaffInfo, level: number): void {
  w.open('StaffInfo', level);
  w.leaf('Department', s.department, level + 1);
  w.leaf('Staff', s.staff, level + 1);
  w.leaf('Email', s.email, level + 1);
  w.leaf('Mobile', s.mobile, level + 1);
  w.close('StaffInfo', level);
}

function traceHeader(w: MarkupWriter, t: TraceHeader): void {
  w.open('TraceHeader', 4);
  w.leaf('OrganId', t.organId, 5);
  w.leaf('Timestamp', standardTimestamp(t.timestamp), 5);
  w.close('TraceHeader', 4);
}

function business(w: MarkupWriter, b: Business): void {
  w.open('Bussiness', 4);
  w.leaf('DocumentId', b.documentId, 5);
  w.leaf('BussinessDocType', b.docType, 5);
  w.leaf('BussinessDocReason', b.reason, 5);
  if (b.paper !== undefined) w.leaf('Paper', b.paper ? 1 : 0, 5);
  if (b.documentInfo) {
    const info = b.documentInfo;
    w.open('BussinessDocumentInfo', 5);
    w.leaf('DocumentInfo', info.documentInfoChanged ? 1 : 0, 6);
    w.leaf('DocumentReceiver', info.receiversChanged ? 1 : 0, 6);
    w.open('ReceiverList', 6);
    for (const r of info.receivers) {
      w.open('Receiver', 7);
      w.leaf('OrganId', r.organId, 8);
      w.leaf('ReceiverType', r.receiverType, 8);
      w.close('Receiver', 7);
    }
    w.close('ReceiverList', 6);
    w.close('BussinessDocumentInfo', 5);
  }
  if (b.replacements) {
    w.open('ReplacementInfoList', 5);
    for (const r of b.replacements) {
      w.open('ReplacementInfo', 6);
      w.leaf('DocumentId', r.documentId, 7);
      w.open('OrganIdList', 7);
      for (const id of r.organIds) w.leaf('OrganId', id, 8);
      w.close('OrganIdList', 7);
      w.close('ReplacementInfo', 6);
    }
    w.close('ReplacementInfoList', 5);
  }
  if (b.staffInfo) staffInfo(w, b.staffInfo, 5);
  w.close('Bussiness', 4);
}

/** Dates the caller gave in a lenient form are emitted in the standard one; unreadable ones as given. */
function standardDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const r = normalizeDate(value);
  return r.ok ? r.value : value;
}

function standardTimestamp(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const r = normalizeTimestamp(value);
  return r.ok ? r.value : value;
}

async function* encodeBase64(content: AttachmentInput['content']): AsyncIterable<Buffer> {
  if (content instanceof Uint8Array) {
    for (let i = 0; i < content.length; i += ENCODE_CHUNK) {
      yield base64(content.subarray(i, Math.min(content.length, i + ENCODE_CHUNK)));
    }
    return;
  }
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of content) {
    let bytes =
      carry.length > 0 ? Buffer.concat([carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    while (bytes.length >= ENCODE_CHUNK) {
      yield base64(bytes.subarray(0, ENCODE_CHUNK));
      bytes = bytes.subarray(ENCODE_CHUNK);
    }
    const whole = bytes.length - (bytes.length % 3);
    if (whole > 0) yield base64(bytes.subarray(0, whole));
    // copied: the source may reuse its buffers once we ask for the next chunk
    carry = Buffer.from(bytes.subarray(whole));
  }
  if (carry.length > 0) yield base64(carry);
}

function base64(bytes: Uint8Array): Buffer {
  return Buffer.from(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64'), 'latin1');
}

/** Accumulates indented `edXML:`-prefixed markup with escaping. */
class MarkupWriter {
  private parts: string[] = [];
  length = 0;

  raw(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }

  open(name: string, level: number): void {
    this.raw(`${'  '.repeat(level)}<edXML:${name}>\n`);
  }

  close(name: string, level: number): void {
    this.raw(`${'  '.repeat(level)}</edXML:${name}>\n`);
  }

  /** An element with text; empty element when the value is undefined. `prefix` '' writes it unprefixed. */
  leaf(name: string, value: string | number | boolean | undefined, level: number, prefix = 'edXML:'): void {
    const qname = `${prefix}${name}`;
    const indent = '  '.repeat(level);
    if (value === undefined || value === '') this.raw(`${indent}<${qname}/>\n`);
    else this.raw(`${indent}<${qname}>${escapeXml(String(value))}</${qname}>\n`);
  }

  take(): Buffer {
    const out = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.length = 0;
    return out;
  }
}

/**
 * Escapes text for element content and attribute values. Characters XML 1.0 cannot carry at all
 * (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF) become U+FFFD; CR is written
 * as a character reference so it survives line-ending normalisation.
 */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"'\r]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (c) => ESCAPES[c] ?? '\uFFFD',
  );
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};
