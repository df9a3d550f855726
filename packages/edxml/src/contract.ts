// Public contract of @lienthong/edxml beyond the model: parser options and results, errors,
// validation issues, builder inputs. Implementations live in their own modules; index.ts re-exports.

import type { AttachmentInfo, Business, DocumentHeader, EdxmlPackage, StatusPackage, TraceHeader } from './model.js';
import type { XmlEvent } from './xml-tokenizer.js';

/** Where the parser sends one attachment's decoded bytes while it streams. */
export interface AttachmentSink {
  /** Called when an <Attachment>'s ContentTransferEncoded content starts. */
  begin(index: number): AttachmentWriter;
}

export interface AttachmentWriter {
  /** Decoded bytes, in order. A returned promise applies backpressure: the parser waits for it. */
  write(chunk: Buffer): void | Promise<void>;
  /** All bytes written; the returned value is kept as AttachmentInfo.ref. */
  end(info: { size: number; sha256: string }): unknown | Promise<unknown>;
  /** Parsing failed; discard what was written. Must not throw. */
  abort(): void | Promise<void>;
  /**
   * For a writer that hashes what it is given anyway (a blob store's temp file): the parser then does
   * not hash the decoded bytes a second time, and calls this instead of `end`. It resolves to the
   * SHA-256 (hex) of the bytes written and the value kept as AttachmentInfo.ref.
   */
  endHashed?(size: number): Promise<{ sha256: string; ref: unknown }>;
}

export interface ParseLimits {
  /** maximum element nesting depth (default 48) */
  maxDepth: number;
  /** maximum characters of one text node other than attachment content (default 1 MiB) */
  maxTextLength: number;
  /** maximum number of elements (default 200,000) */
  maxElements: number;
  /** maximum number of attributes on one element (default 64) */
  maxAttributes: number;
  /** maximum number of attachments (default 1,000) */
  maxAttachments: number;
  /** maximum decoded size of one attachment in bytes (default: unlimited; the hub bounds the body instead) */
  maxAttachmentBytes: number;
}

export interface ParseOptions {
  attachmentSink?: AttachmentSink;
  limits?: Partial<ParseLimits>;
  /**
   * Receives every event of the parser's own tokenizer, in order, from the first XML byte to the
   * root's end tag: start and end tags, text (buffered, as `text` tokens, except attachment content,
   * which comes as `text-chunk` slices of the input: use them during the call), comments and
   * processing instructions. Lets a consumer (the signature check's canonicalizer) read the package
   * without tokenizing its bytes a second time. An exception it throws fails the parse.
   */
  tap?: (event: XmlEvent) => void;
}

/** Where the hub inserts its own TraceHeader when it delivers the package. */
export interface TraceInsertion {
  /** byte offset in the raw input: the new TraceHeader goes right here */
  offset: number;
  /** the element prefix bound to the QCVN namespace at that point, e.g. 'edXML' or '' for the default namespace */
  prefix: string;
  /** whitespace to put before the inserted element, copied from the existing layout (may be '') */
  indent: string;
}

export interface ParseWarning {
  path: string;
  message: string;
}

export interface ParseResult {
  package: EdxmlPackage;
  /** byte offset of the first byte of XML (`<?xml` or the root `<`); bytes before it (garbage, a multipart boundary line) are not part of the package */
  xmlStart: number;
  /** byte offset just past the root element's end tag */
  xmlEnd: number;
  /** total bytes read from the source */
  bytesRead: number;
  /** set for document packages that have a TraceHeaderList */
  traceInsertion?: TraceInsertion;
  /** lenient fixes applied (date formats normalised, `Business` spelling, garbage skipped, …) */
  warnings: ParseWarning[];
}

/**
 * Thrown by the parser for input it refuses. `path` is the element path where it happened
 * (e.g. `edXML/edXMLEnvelope/edXMLHeader/MessageHeader/From/OrganId`, prefixes stripped), or '' before the root.
 */
export type EdxmlErrorCode =
  | 'empty'
  | 'malformed'
  | 'dtd-forbidden'
  | 'entity-forbidden'
  | 'too-deep'
  | 'too-large'
  | 'too-many'
  | 'not-edxml'
  | 'missing-element'
  | 'invalid-value'
  | 'bad-base64'
  | 'truncated';

export class EdxmlError extends Error {
  readonly code: EdxmlErrorCode;
  readonly path: string;
  /** byte offset in the input where the problem was seen, when known */
  readonly offset: number | undefined;
  constructor(code: EdxmlErrorCode, message: string, path = '', offset?: number) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'EdxmlError';
    this.code = code;
    this.path = path;
    this.offset = offset;
  }
}

export type ValidationRule =
  | 'required'
  | 'max-length'
  | 'format'
  | 'date'
  | 'future-date'
  | 'enum'
  | 'duplicate'
  | 'consistency';

export interface ValidationIssue {
  severity: 'error' | 'warning';
  /** element path, e.g. `MessageHeader/Code/CodeNumber` or `MessageHeader/To[2]/OrganId` (1-based index) */
  path: string;
  rule: ValidationRule;
  message: string;
}

export interface ValidateOptions {
  /** reference "now" for the not-in-the-future rule (default: current time, Vietnam time zone) */
  now?: Date;
}

/** Input to the streaming builder. Attachment content is streamed and base64-encoded on the fly. */
export interface AttachmentInput {
  contentId?: string;
  attachmentName: string;
  description?: string;
  contentType?: string;
  content: Uint8Array | AsyncIterable<Uint8Array>;
}

export interface DocumentInput {
  header: DocumentHeader;
  traces?: TraceHeader[];
  business?: Business;
  attachments?: AttachmentInput[];
}

export type StatusInput = Omit<StatusPackage, 'kind' | 'signature'>;

export type { AttachmentInfo, EdxmlPackage };
