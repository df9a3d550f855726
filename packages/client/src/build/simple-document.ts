import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import {
  type AttachmentInput,
  type Business,
  buildDocument,
  type DocumentHeader,
  formatDate,
  type Organization,
  type Priority,
  type ResponseFor,
  type SignerInfo,
  type TraceHeader,
} from '@lienthong/edxml';
import { contentTypeFor } from './content-type.js';

export interface SimpleAttachment {
  /** the name the recipient sees (default: the file's base name) */
  name?: string;
  /** a file to read (streamed when the package is built) */
  path?: string;
  /** or the content itself */
  content?: Uint8Array | AsyncIterable<Uint8Array>;
  /** default: guessed from the name */
  contentType?: string;
  description?: string;
}

export interface SimpleDocumentInput {
  /** sender: an agency code or a full organisation */
  from: string | Organization;
  /** recipients: agency codes or full organisations */
  to: Array<string | Organization>;
  /** số */
  codeNumber: string;
  /** ký hiệu, e.g. `UBND-VX` */
  codeNotation: string;
  /** trích yếu */
  subject: string;
  content?: string;
  /** `yyyy/MM/dd` or a Date (default: today in Vietnam) */
  promulgationDate?: string | Date;
  place?: string;
  /** default `Công văn` */
  typeName?: string;
  /** 1 administrative (default), 2 legal-normative */
  type?: number;
  signer?: SignerInfo;
  priority?: Priority;
  /** `yyyy/MM/dd` or a Date */
  dueDate?: string | Date;
  /** default `<from>,<date>,<codeNumber>/<codeNotation>` */
  documentId?: string;
  responseFor?: ResponseFor[];
  toPlaces?: string[];
  steeringType?: number;
  business?: Business;
  traces?: TraceHeader[];
  attachments?: SimpleAttachment[];
}

function organization(o: string | Organization): Organization {
  return typeof o === 'string' ? { organId: o } : o;
}

function day(d: string | Date): string {
  return typeof d === 'string' ? d : formatDate(d);
}

async function* readLazily(path: string): AsyncIterable<Uint8Array> {
  for await (const chunk of createReadStream(path)) yield chunk as Buffer;
}

function attachment(a: SimpleAttachment, index: number): AttachmentInput {
  const name = a.name ?? (a.path ? basename(a.path) : `attachment-${index + 1}`);
  let content: AttachmentInput['content'];
  if (a.content !== undefined) content = a.content;
  else if (a.path !== undefined) content = readLazily(a.path);
  else throw new TypeError(`attachment ${index + 1} (${name}): give a path or the content`);
  return {
    attachmentName: name,
    contentType: a.contentType ?? contentTypeFor(name),
    ...(a.description ? { description: a.description } : {}),
    content,
  };
}

/** The DocumentHeader of a few fields, with the standard's defaults for the rest. */
export function simpleDocumentHeader(input: SimpleDocumentInput): DocumentHeader {
  const from = organization(input.from);
  const date = day(input.promulgationDate ?? new Date());
  return {
    from,
    to: input.to.map(organization),
    documentId: input.documentId ?? `${from.organId},${date},${input.codeNumber}/${input.codeNotation}`,
    code: { codeNumber: input.codeNumber, codeNotation: input.codeNotation },
    promulgationInfo: { promulgationDate: date, ...(input.place ? { place: input.place } : {}) },
    documentType: { type: input.type ?? 1, typeName: input.typeName ?? 'Công văn' },
    subject: input.subject,
    ...(input.content ? { content: input.content } : {}),
    signerInfo: input.signer ?? {},
    ...(input.dueDate ? { dueDate: day(input.dueDate) } : {}),
    otherInfo: { appendixes: [], ...(input.priority !== undefined ? { priority: input.priority } : {}) },
    responseFor: input.responseFor ?? [],
    ...(input.steeringType !== undefined ? { steeringType: input.steeringType } : {}),
    toPlaces: input.toPlaces ?? [],
  };
}

/**
 * A valid edXML document package from a few fields, as a stream: attachments are read and
 * base64-encoded while the package is sent, never held whole in memory.
 */
export function buildSimpleDocument(input: SimpleDocumentInput): Readable {
  const attachments = (input.attachments ?? []).map(attachment);
  return Readable.from(
    buildDocument({
      header: simpleDocumentHeader(input),
      business: input.business ?? { docType: 0 },
      ...(input.traces ? { traces: input.traces } : {}),
      attachments,
    }),
  );
}
