// Streaming edXML parser: bytes in, a DocumentPackage or StatusPackage out. Attachment content is
// base64-decoded, hashed and handed to the AttachmentSink as it arrives; the rest of the markup
// becomes a small element tree that PackageReader maps to the model.
import { createHash, type Hash } from 'node:crypto';
import { Base64Decoder, Base64Error } from './base64-decoder.js';
import {
  type AttachmentWriter,
  EdxmlError,
  type ParseLimits,
  type ParseOptions,
  type ParseResult,
  type TraceInsertion,
} from './contract.js';
import { type ElementNode, WarningList } from './element-tree.js';
import { DSIG_NAMESPACE, EDXML_NAMESPACE, type SignatureInfo } from './model.js';
import { PackageReader } from './package-reader.js';
import { type XmlEvent, type XmlName, type XmlToken, XmlTokenizer } from './xml-tokenizer.js';

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = {
  maxDepth: 48,
  maxTextLength: 1024 * 1024,
  maxElements: 200_000,
  maxAttributes: 64,
  maxAttachments: 1000,
  maxAttachmentBytes: Number.POSITIVE_INFINITY,
};

/** Parses one edXML package from a byte stream. Throws EdxmlError for input it refuses. */
export async function parseEdxml(source: AsyncIterable<Uint8Array>, options: ParseOptions = {}): Promise<ParseResult> {
  const limits = { ...DEFAULT_PARSE_LIMITS, ...options.limits };
  const tap = options.tap;
  const tokenizer = new XmlTokenizer({
    maxDepth: limits.maxDepth,
    maxTextLength: limits.maxTextLength,
    maxElements: limits.maxElements,
    maxAttributes: limits.maxAttributes,
    isStreamingElement: isAttachmentContent,
    markup: tap !== undefined,
  });
  const assembler = new PackageAssembler(options, limits, tokenizer);
  // the tap sees the events up to the root's end tag (what follows it is not part of the document)
  let tapping = tap !== undefined;
  let depth = 0;
  // indexed loops over each write's events: in this async function a for-of allocated an iterator
  // result per event (some 600 a package)
  const take = async (events: XmlEvent[]) => {
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (tapping) {
        tap!(event);
        if (event.kind === 'start') depth++;
        else if (event.kind === 'end' && --depth === 0) tapping = false;
      }
      const pending = assembler.accept(event);
      if (pending) await pending;
    }
  };
  try {
    for await (const chunk of source) await take(tokenizer.writeEvents(chunk));
    await take(tokenizer.endEvents());
    return assembler.finish();
  } catch (error) {
    await assembler.abort();
    throw error;
  }
}

function contentPath(open: OpenAttachment): string {
  return `${open.node.path}/ContentTransferEncoded`;
}

function base64Error(error: unknown, open: OpenAttachment): unknown {
  if (!(error instanceof Base64Error)) return error;
  return new EdxmlError('bad-base64', error.message, contentPath(open), error.offset);
}

function isAttachmentContent(name: XmlName, parent: XmlName | undefined): boolean {
  return name.local === 'ContentTransferEncoded' && parent?.local === 'Attachment';
}

interface OpenAttachment {
  node: ElementNode;
  index: number;
  decoder: Base64Decoder;
  /** absent when the writer hashes the bytes itself (endHashed) */
  hash: Hash | undefined;
  size: number;
  writer: AttachmentWriter | undefined;
}

/** Turns tokens into the element tree, streaming attachments and noting the offsets the hub needs. */
class PackageAssembler {
  private readonly warnings = new WarningList();
  private readonly stack: ElementNode[] = [];
  private root: ElementNode | undefined;
  private edxmlNs = EDXML_NAMESPACE;
  private readonly attachments: ElementNode[] = [];
  private attachmentCount = 0;
  private open: OpenAttachment | undefined;

  private signature: SignatureInfo | undefined;
  private signatureDepth = 0;

  /** raw whitespace of the text token just before the current one, if any */
  private whitespaceBefore = '';
  private traceList: { end: number; prefix: string; selfClosing: boolean; firstIndent?: string } | undefined;
  private lastTrace: { end: number; prefix: string; indent: string } | undefined;

  constructor(
    private readonly options: ParseOptions,
    private readonly limits: ParseLimits,
    private readonly tokenizer: XmlTokenizer,
  ) {}

  accept(token: XmlEvent): void | Promise<void> {
    switch (token.kind) {
      case 'comment':
      case 'pi':
        return;
      case 'start':
        this.start(token);
        this.whitespaceBefore = '';
        return;
      case 'end': {
        const pending = this.end(token);
        this.whitespaceBefore = '';
        return pending;
      }
      case 'text':
        this.text(token.text);
        this.whitespaceBefore = /^\s*$/.test(token.raw) ? token.raw : '';
        return;
      case 'text-chunk':
        return this.content(token.data, token.start);
    }
  }

  private start(token: Extract<XmlToken, { kind: 'start' }>): void {
    const { name } = token;
    if (this.signatureDepth > 0) {
      this.signatureDepth++;
      return;
    }
    const parent = this.stack[this.stack.length - 1];
    if (!parent) {
      this.checkRoot(name);
    } else if (
      name.local === 'Signature' &&
      (name.ns === DSIG_NAMESPACE || name.ns === this.edxmlNs || name.ns === '')
    ) {
      this.startSignature(name, token.start, parent.path);
      return;
    }
    const node: ElementNode = {
      local: name.local,
      ns: name.ns,
      prefix: name.prefix,
      path: parent ? `${parent.path}/${name.local}` : name.local,
      text: '',
      children: [],
      start: token.start,
      end: token.end,
    };
    if (parent) {
      if (parent.children.length === 0) parent.text = '';
      parent.children.push(node);
    } else {
      this.root = node;
    }
    this.stack.push(node);

    if (name.ns !== this.edxmlNs) return;
    if (name.local === 'Attachment' && parent?.local === 'AttachmentEncoded') this.attachments.push(node);
    if (name.local === 'ContentTransferEncoded' && parent?.local === 'Attachment') this.beginAttachment(parent);
    if (name.local === 'TraceHeaderList' && !this.traceList) {
      this.traceList = { end: token.end, prefix: name.prefix, selfClosing: token.selfClosing };
    } else if (parent?.local === 'TraceHeaderList' && this.traceList && parent.children.length === 1) {
      this.traceList.firstIndent = this.whitespaceBefore;
    }
    if (name.local === 'TraceHeader' && parent?.local === 'TraceHeaderList') {
      this.lastTrace = { end: -1, prefix: name.prefix, indent: this.whitespaceBefore };
    }
  }

  private checkRoot(name: XmlName): void {
    if (name.local !== 'edXML') {
      throw new EdxmlError('not-edxml', `root element is <${name.qname}>, not <edXML>`, '', this.tokenizer.xmlStart);
    }
    if (name.ns === '') {
      this.edxmlNs = '';
      this.warnings.add('edXML', `root element has no namespace (expected ${EDXML_NAMESPACE}); read without one`);
    } else if (name.ns !== EDXML_NAMESPACE) {
      throw new EdxmlError(
        'not-edxml',
        `root element is in namespace "${name.ns}", not ${EDXML_NAMESPACE}`,
        '',
        this.tokenizer.xmlStart,
      );
    }
  }

  private startSignature(name: XmlName, start: number, parentPath: string): void {
    this.signatureDepth = 1;
    const namespace = name.ns === DSIG_NAMESPACE ? 'dsig' : name.ns === EDXML_NAMESPACE ? 'qcvn' : 'other';
    if (this.signature) {
      this.signature.count++;
      this.warnings.add(`${parentPath}/Signature`, `more than one Signature element (${this.signature.count})`);
      return;
    }
    this.signature = { namespace, count: 1, start, end: -1 };
  }

  private text(text: string): void {
    if (this.signatureDepth > 0) return;
    const node = this.stack[this.stack.length - 1];
    if (node && node.children.length === 0) node.text += text;
  }

  private beginAttachment(attachment: ElementNode): void {
    const path = `${attachment.path}/ContentTransferEncoded`;
    if (attachment.content || this.open) {
      throw new EdxmlError('malformed', 'more than one ContentTransferEncoded in one Attachment', path);
    }
    if (this.attachmentCount >= this.limits.maxAttachments) {
      throw new EdxmlError('too-many', `more than ${this.limits.maxAttachments} attachments`, path);
    }
    const index = this.attachmentCount++;
    const writer = this.options.attachmentSink?.begin(index);
    this.open = {
      node: attachment,
      index,
      decoder: new Base64Decoder(),
      hash: writer?.endHashed ? undefined : createHash('sha256'),
      size: 0,
      writer,
    };
  }

  private content(encoded: Buffer, offset: number): void | Promise<void> {
    const open = this.open;
    if (!open) return;
    let decoded: Buffer;
    try {
      decoded = open.decoder.write(encoded, offset);
    } catch (error) {
      throw base64Error(error, open);
    }
    return this.deliver(open, decoded);
  }

  private deliver(open: OpenAttachment, decoded: Buffer): void | Promise<void> {
    if (decoded.length === 0) return;
    open.size += decoded.length;
    if (open.size > this.limits.maxAttachmentBytes) {
      throw new EdxmlError(
        'too-large',
        `attachment ${open.index} larger than ${this.limits.maxAttachmentBytes} bytes`,
        contentPath(open),
      );
    }
    open.hash?.update(decoded);
    return open.writer?.write(decoded);
  }

  private end(token: Extract<XmlToken, { kind: 'end' }>): void | Promise<void> {
    if (this.signatureDepth > 0) {
      if (--this.signatureDepth === 0 && this.signature && this.signature.end < 0) this.signature.end = token.end;
      return;
    }
    const node = this.stack.pop();
    if (!node) return;
    node.end = token.end;
    if (node.ns !== this.edxmlNs) return;
    if (
      node.local === 'TraceHeader' &&
      this.lastTrace &&
      this.stack[this.stack.length - 1]?.local === 'TraceHeaderList'
    ) {
      this.lastTrace.end = token.end;
    }
    if (node.local === 'ContentTransferEncoded' && this.open) return this.endAttachment(this.open, token.start);
  }

  private async endAttachment(open: OpenAttachment, offset: number): Promise<void> {
    let tail: Buffer;
    try {
      tail = open.decoder.end(offset);
    } catch (error) {
      throw base64Error(error, open);
    }
    await this.deliver(open, tail);
    let sha256: string;
    let ref: unknown;
    if (open.hash) {
      sha256 = open.hash.digest('hex');
      ref = await open.writer?.end({ size: open.size, sha256 });
    } else {
      ({ sha256, ref } = await open.writer!.endHashed!(open.size));
    }
    this.open = undefined;
    open.node.content = { index: open.index, size: open.size, sha256, ref };
  }

  async abort(): Promise<void> {
    const writer = this.open?.writer;
    this.open = undefined;
    if (!writer) return;
    try {
      await writer.abort();
    } catch {
      // abort must not throw; a sink that does anyway must not hide the parse error
    }
  }

  finish(): ParseResult {
    const root = this.root;
    if (!root) throw new EdxmlError('empty', 'no root element', '');
    const pkg = new PackageReader(this.edxmlNs, this.warnings).read(root, this.attachments);
    if (this.signature) pkg.signature = this.signature;

    const { tokenizer } = this;
    if (tokenizer.leadingGarbage) {
      this.warnings.add('', `skipped ${tokenizer.xmlStart} bytes before the XML`);
    }
    if (tokenizer.trailingGarbageAt >= 0) {
      this.warnings.add('', `content after the root element (at byte ${tokenizer.trailingGarbageAt}) ignored`);
    }
    const result: ParseResult = {
      package: pkg,
      xmlStart: tokenizer.xmlStart,
      xmlEnd: tokenizer.xmlEnd,
      bytesRead: tokenizer.bytesRead,
      warnings: [],
    };
    if (pkg.kind === 'document') {
      const insertion = this.traceInsertion();
      if (insertion) result.traceInsertion = insertion;
    }
    result.warnings = this.warnings.finish();
    return result;
  }

  private traceInsertion(): TraceInsertion | undefined {
    const list = this.traceList;
    if (!list) return undefined;
    if (this.lastTrace && this.lastTrace.end >= 0) {
      return { offset: this.lastTrace.end, prefix: this.lastTrace.prefix, indent: this.lastTrace.indent };
    }
    if (list.selfClosing) {
      this.warnings.add('', 'TraceHeaderList is an empty element; no place to insert a TraceHeader');
      return undefined;
    }
    return { offset: list.end, prefix: list.prefix, indent: list.firstIndent ?? '' };
  }
}
