// A streaming, byte-level XML tokenizer for edXML. It never resolves DTDs or entities beyond the
// five predefined ones, keeps memory bounded (text nodes are capped, except the text of
// "streaming" elements, which is handed out chunk by chunk as raw byte slices), and tracks byte
// offsets so callers can splice into the original bytes.
import { EdxmlError } from './contract.js';

export interface XmlName {
  /** name as written, e.g. `edXML:From` */
  qname: string;
  prefix: string;
  local: string;
  /** namespace URI ('' for none) */
  ns: string;
}

export interface XmlAttribute extends XmlName {
  value: string;
}

export type XmlToken =
  | {
      kind: 'start';
      name: XmlName;
      attributes: XmlAttribute[];
      selfClosing: boolean;
      /** offset of `<` */
      start: number;
      /** offset just past `>` */
      end: number;
    }
  | { kind: 'end'; name: XmlName; start: number; end: number }
  | {
      kind: 'text';
      /** entities decoded, line endings normalised to \n */
      text: string;
      /** the text as written (entities not decoded, line endings kept) */
      raw: string;
      start: number;
      end: number;
    }
  /** text of a streaming element: decoded bytes, delivered as they arrive (line endings not normalised) */
  | {
      kind: 'text-chunk';
      data: Buffer;
      start: number;
      /** set when the bytes come from a character/entity reference or a CDATA section, not literal text */
      origin?: 'reference' | 'cdata';
    };

/** Comments and processing instructions, reported only with the `markup` option (see `writeEvents`). */
export type XmlMarkupToken =
  | { kind: 'comment'; start: number; end: number }
  | { kind: 'pi'; target: string; data: string; start: number; end: number };

export type XmlEvent = XmlToken | XmlMarkupToken;

export interface XmlTokenizerOptions {
  maxDepth?: number;
  /** characters in one text node (streaming elements excepted) */
  maxTextLength?: number;
  maxElements?: number;
  maxAttributes?: number;
  /** bytes in one tag, PI or the XML declaration */
  maxMarkupLength?: number;
  /** bytes of leading garbage skipped before the XML starts */
  maxLeadingGarbage?: number;
  /** elements whose text must be delivered as `text-chunk` tokens rather than buffered */
  isStreamingElement?: (name: XmlName, parent: XmlName | undefined) => boolean;
  /** also report comments and processing instructions (other than the XML declaration); read them with `writeEvents`/`endEvents` */
  markup?: boolean;
}

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SEMI = 0x3b;
const QUOT = 0x22;
const APOS = 0x27;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

const NAME_START =
  '[A-Za-z_\\u00C0-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD]';
const NAME_CHAR = `(?:${NAME_START}|[-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040])`;
const NCNAME = `${NAME_START}${NAME_CHAR}*`;
const QNAME_RE = new RegExp(`^(?:(${NCNAME}):)?(${NCNAME})$`);
/** names already checked against QNAME_RE: prefix and local part (bounded; names repeat across packages) */
const checkedNames = new Map<string, { prefix: string; local: string }>();
const MAX_CHECKED_NAMES = 4096;
/** the last namespace each element name was resolved to, as the token's name object (bounded likewise) */
const resolvedElementNames = new Map<string, XmlName>();
/** a frame's name while its element's own namespace declarations are being put in scope */
const UNRESOLVED: XmlName = Object.freeze({ qname: '', prefix: '', local: '', ns: '' });

/** What ends a tag's name: whitespace (as `\s` in a regular expression), "/" or ">". */
function endsTagName(c: number): boolean {
  if (c === 0x20 || c === 0x2f || c === 0x3e || (c >= 0x09 && c <= 0x0d)) return true;
  return c > 0x7f && /\s/.test(String.fromCharCode(c));
}

const INDENT_STRINGS = { [0x20]: [] as string[], [0x09]: [] as string[] };
const MAX_INDENT = 128;

/**
 * The text between two tags when it is a line break and an indentation of spaces or of tabs (most
 * text nodes of a pretty-printed package), as a string made once per width.
 */
function indentation(buf: Buffer, from: number, to: number): string | undefined {
  const width = to - from - 1;
  if (width < 0 || width > MAX_INDENT || buf[from] !== 0x0a) return undefined;
  const pad = width === 0 ? 0x20 : buf[from + 1]!;
  if (pad !== 0x20 && pad !== 0x09) return undefined;
  for (let i = from + 2; i < to; i++) if (buf[i] !== pad) return undefined;
  const strings = INDENT_STRINGS[pad];
  let text = strings[width];
  if (text === undefined) {
    text = `\n${String.fromCharCode(pad).repeat(width)}`;
    strings[width] = text;
  }
  return text;
}

/**
 * Whether the bytes of an end tag between `</` (`from`) and `>` (`to`) are `qname` and optional
 * whitespace. Answers false for any name not in ASCII: the caller then decodes and compares.
 */
function endTagNames(buf: Buffer, from: number, to: number, qname: string): boolean {
  const n = qname.length;
  if (to - from < n) return false;
  for (let i = 0; i < n; i++) {
    const c = qname.charCodeAt(i);
    if (c > 0x7f || buf[from + i] !== c) return false;
  }
  for (let i = from + n; i < to; i++) {
    const b = buf[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  }
  return true;
}

function splitName(qname: string): { prefix: string; local: string } | undefined {
  let split = checkedNames.get(qname);
  if (split) return split;
  const m = QNAME_RE.exec(qname);
  if (!m) return undefined;
  split = { prefix: m[1] ?? '', local: m[2]! };
  if (checkedNames.size >= MAX_CHECKED_NAMES) checkedNames.clear();
  checkedNames.set(qname, split);
  return split;
}
const NAME_START_BYTE = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b >= 0x80;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

interface Frame {
  name: XmlName;
  /** prefix → URI declared on this element, or undefined if none */
  bindings: Map<string, string> | undefined;
  streaming: boolean;
}

enum State {
  /** before the XML: skipping garbage up to `<?xml` or the root's `<` */
  Seek,
  Content,
  Comment,
  CData,
  /** root closed: only whitespace, comments and PIs are expected */
  Epilog,
  /** something other than whitespace followed the root; the rest is ignored */
  Done,
}

interface TextSegment {
  parts: Buffer[];
  cdata: boolean;
}

export class XmlTokenizer {
  private readonly maxDepth: number;
  private readonly maxTextLength: number;
  private readonly maxElements: number;
  private readonly maxAttributes: number;
  private readonly maxMarkupLength: number;
  private readonly maxLeadingGarbage: number;
  private readonly isStreamingElement: XmlTokenizerOptions['isStreamingElement'];
  private readonly reportMarkup: boolean;
  private commentStart = -1;

  private state = State.Seek;
  private readonly stack: Frame[] = [];
  private pending: Buffer | undefined;
  private pendingStart = 0;
  private tokens: XmlEvent[] = [];
  private text: TextSegment[] = [];
  /** the text node so far, when it is one run of literal text that ended at a `<` in its chunk (no copy of its bytes) */
  private textString: string | undefined;
  private textBytes = 0;
  private textStart = -1;
  private textEnd = 0;
  private elementCount = 0;
  private rootSeen = false;
  private declarationAllowed = true;
  private sawNonWhitespace = false;

  /** total bytes given to write() */
  bytesRead = 0;
  /** offset of the first byte of XML, -1 until found */
  xmlStart = -1;
  /** offset just past the root's end tag, -1 until seen */
  xmlEnd = -1;
  /** whether bytes other than whitespace or a byte-order mark were skipped before the XML */
  leadingGarbage = false;
  /** offset of the first non-whitespace byte after the root, -1 if none */
  trailingGarbageAt = -1;

  constructor(options: XmlTokenizerOptions = {}) {
    this.maxDepth = options.maxDepth ?? 48;
    this.maxTextLength = options.maxTextLength ?? 1024 * 1024;
    this.maxElements = options.maxElements ?? 200_000;
    this.maxAttributes = options.maxAttributes ?? 64;
    this.maxMarkupLength = options.maxMarkupLength ?? 64 * 1024;
    this.maxLeadingGarbage = options.maxLeadingGarbage ?? 64 * 1024;
    this.isStreamingElement = options.isStreamingElement;
    this.reportMarkup = options.markup ?? false;
  }

  /** Element path of the current position: local names joined with `/`. */
  path(): string {
    return this.stack.map((f) => f.name.local).join('/');
  }

  get depth(): number {
    return this.stack.length;
  }

  /** Feeds the next chunk; returns the tokens completed by it. Chunks may split anything at any byte. */
  write(chunk: Uint8Array): XmlToken[] {
    this.feed(chunk);
    return this.takeTokens();
  }

  /** Like `write`, but also returns comment and PI tokens when the `markup` option is set. */
  writeEvents(chunk: Uint8Array): XmlEvent[] {
    this.feed(chunk);
    return this.take();
  }

  private feed(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const chunkStart = this.bytesRead;
    this.bytesRead += bytes.length;
    if (this.pending) {
      const buf = Buffer.concat([this.pending, bytes]);
      const base = this.pendingStart;
      this.pending = undefined;
      this.run(buf, base, false);
    } else {
      this.run(bytes, chunkStart, false);
    }
  }

  /** Signals the end of input; throws if the document is incomplete. */
  end(): XmlToken[] {
    this.finish();
    return this.takeTokens();
  }

  /** Like `end`, but also returns comment and PI tokens when the `markup` option is set. */
  endEvents(): XmlEvent[] {
    this.finish();
    return this.take();
  }

  private finish(): void {
    if (this.pending) {
      const buf = this.pending;
      this.pending = undefined;
      this.run(buf, this.pendingStart, true);
    }
    if (!this.rootSeen) {
      if (this.xmlStart < 0) {
        if (!this.sawNonWhitespace) throw new EdxmlError('empty', 'input is empty', '', 0);
        throw new EdxmlError('not-edxml', 'no XML found in the input', '', 0);
      }
      throw new EdxmlError(
        'truncated',
        `input ended before the root element (after ${this.bytesRead} bytes)`,
        '',
        this.bytesRead,
      );
    }
    if (this.state !== State.Epilog && this.state !== State.Done) {
      const top = this.stack[this.stack.length - 1];
      const where =
        this.state === State.Comment
          ? 'a comment'
          : this.state === State.CData
            ? 'a CDATA section'
            : `<${top?.name.qname ?? '?'}>`;
      throw new EdxmlError(
        'truncated',
        `input ended inside ${where} after ${this.bytesRead} bytes`,
        this.path(),
        this.bytesRead,
      );
    }
  }

  private take(): XmlEvent[] {
    const out = this.tokens;
    this.tokens = [];
    return out;
  }

  private takeTokens(): XmlToken[] {
    const out = this.take();
    return this.reportMarkup
      ? out.filter((t): t is XmlToken => t.kind !== 'comment' && t.kind !== 'pi')
      : (out as XmlToken[]);
  }

  private fail(code: ConstructorParameters<typeof EdxmlError>[0], message: string, offset: number): never {
    throw new EdxmlError(code, message, this.path(), offset);
  }

  /** Keeps `buf[from..]` for the next write. */
  private carry(buf: Buffer, from: number, base: number): void {
    this.pending = Buffer.from(buf.subarray(from));
    this.pendingStart = base + from;
  }

  private run(buf: Buffer, base: number, final: boolean): void {
    let pos = 0;
    const len = buf.length;
    while (pos < len) {
      switch (this.state) {
        case State.Seek:
          pos = this.seek(buf, pos, base, final);
          break;
        case State.Content:
        case State.Epilog: {
          const top = this.stack[this.stack.length - 1];
          const lt = buf.indexOf(LT, pos);
          const stop = lt < 0 ? len : lt;
          if (stop > pos) {
            if (top?.streaming) {
              const handled = this.streamText(buf, pos, stop, base, final);
              if (handled < stop) return; // a split entity reference was carried
            } else if (this.state === State.Epilog) {
              if (!isWhitespace(buf, pos, stop)) {
                this.trailingGarbageAt = base + pos + firstNonWhitespace(buf, pos, stop);
                this.state = State.Done;
                return;
              }
            } else {
              this.appendText(buf, pos, stop, base, false);
            }
          }
          if (lt < 0) return;
          pos = this.markup(buf, lt, base, final);
          if (pos < 0) return; // carried to the next write
          break;
        }
        case State.Comment: {
          const close = buf.indexOf('-->', pos, 'latin1');
          if (close < 0) {
            this.carry(buf, Math.max(pos, len - 2), base);
            if (final) this.fail('truncated', `input ended inside a comment after ${this.bytesRead} bytes`, base + len);
            return;
          }
          pos = close + 3;
          if (this.reportMarkup) this.tokens.push({ kind: 'comment', start: this.commentStart, end: base + pos });
          this.state = this.stack.length === 0 && this.rootSeen ? State.Epilog : State.Content;
          break;
        }
        case State.CData: {
          const close = buf.indexOf(']]>', pos, 'latin1');
          const stop = close < 0 ? Math.max(pos, len - 2) : close;
          const top = this.stack[this.stack.length - 1];
          if (stop > pos) {
            if (top?.streaming)
              this.tokens.push({
                kind: 'text-chunk',
                data: buf.subarray(pos, stop),
                start: base + pos,
                origin: 'cdata',
              });
            else this.appendText(buf, pos, stop, base, true);
          }
          if (close < 0) {
            if (stop < len) this.carry(buf, stop, base);
            if (final)
              this.fail('truncated', `input ended inside a CDATA section after ${this.bytesRead} bytes`, base + len);
            return;
          }
          pos = close + 3;
          this.state = State.Content;
          break;
        }
        case State.Done:
          return;
      }
    }
  }

  /** Skips bytes before the XML. Returns the next position. */
  private seek(buf: Buffer, pos: number, base: number, final: boolean): number {
    const len = buf.length;
    const lt = buf.indexOf(LT, pos);
    const stop = lt < 0 ? len : lt;
    if (!this.sawNonWhitespace && !isWhitespace(buf, pos, stop, true)) this.sawNonWhitespace = true;
    if (lt < 0) {
      this.checkGarbage(base + len);
      return len;
    }
    // Enough lookahead to tell `<?xml`, `<!--`, `<!DOCTYPE` and `<name` apart.
    if (len - lt < 9 && !final) {
      this.carry(buf, lt, base);
      return len;
    }
    const cleanBefore = !this.sawNonWhitespace;
    this.sawNonWhitespace = true;
    const next = buf[lt + 1];
    const startsXml =
      startsWith(buf, lt, '<?xml') ||
      startsWith(buf, lt, '<!--') ||
      startsWith(buf, lt, '<!DOCTYPE') ||
      (next !== undefined && NAME_START_BYTE(next));
    if (!startsXml) {
      this.checkGarbage(base + lt + 1);
      return lt + 1;
    }
    this.xmlStart = base + lt;
    this.leadingGarbage = !cleanBefore;
    this.state = State.Content;
    return lt;
  }

  private checkGarbage(skippedTo: number): void {
    if (skippedTo > this.maxLeadingGarbage) {
      throw new EdxmlError('not-edxml', `no XML found in the first ${this.maxLeadingGarbage} bytes`, '', skippedTo);
    }
  }

  /**
   * Handles the markup starting at `lt`. Returns the position after it, or -1 if the markup is
   * incomplete and was carried to the next write.
   */
  private markup(buf: Buffer, lt: number, base: number, final: boolean): number {
    const len = buf.length;
    const offset = base + lt;
    if (len - lt < 9 && !final && (buf[lt + 1] === 0x21 || len - lt < 2)) {
      // `<!` constructs need up to 9 bytes to be told apart
      this.carry(buf, lt, base);
      return -1;
    }
    const b1 = buf[lt + 1];
    if (this.state === State.Epilog && b1 !== 0x3f && !startsWith(buf, lt, '<!--')) return this.trailing(buf, offset);
    if (b1 === 0x21) {
      if (startsWith(buf, lt, '<!--')) {
        this.flushText();
        this.declarationAllowed = false;
        this.commentStart = offset;
        this.state = State.Comment;
        return lt + 4;
      }
      if (startsWith(buf, lt, '<![CDATA[')) {
        if (this.stack.length === 0) this.fail('malformed', 'CDATA section outside the root element', offset);
        if (this.textStart < 0) this.textStart = offset;
        this.state = State.CData;
        return lt + 9;
      }
      if (startsWith(buf, lt, '<!DOCTYPE')) {
        this.fail('dtd-forbidden', 'DOCTYPE declarations are not allowed (no DTDs, no external entities)', offset);
      }
      if (startsWith(buf, lt, '<!ENTITY') || startsWith(buf, lt, '<!ELEMENT') || startsWith(buf, lt, '<!ATTLIST')) {
        this.fail('dtd-forbidden', 'DTD markup declarations are not allowed', offset);
      }
      if (final && len - lt < 9) this.truncatedMarkup(offset);
      this.fail('malformed', `unexpected markup "${preview(buf, lt)}"`, offset);
    }
    if (b1 === 0x3f) return this.processingInstruction(buf, lt, base, final);
    if (b1 === 0x2f) return this.endTag(buf, lt, base, final);
    if (b1 === undefined) {
      if (final) this.truncatedMarkup(offset);
      this.carry(buf, lt, base);
      return -1;
    }
    return this.startTag(buf, lt, base, final);
  }

  private truncatedMarkup(offset: number): never {
    this.fail('truncated', `input ended inside a tag after ${this.bytesRead} bytes`, offset);
  }

  /** Finds `>` of the markup at `lt`, outside quoted attribute values; -1 if not in `buf`. */
  private findTagEnd(buf: Buffer, lt: number): number {
    let quote = 0;
    for (let i = lt + 1; i < buf.length; i++) {
      const b = buf[i]!;
      if (quote) {
        if (b === quote) quote = 0;
      } else if (b === QUOT || b === APOS) {
        quote = b;
      } else if (b === GT) {
        return i;
      } else if (b === LT) {
        this.fail('malformed', `"<" inside a tag: "${preview(buf, lt)}"`, lt);
      }
    }
    return -1;
  }

  /** After the root, anything but whitespace, comments and PIs ends the XML; the rest is ignored. */
  private trailing(buf: Buffer, offset: number): number {
    this.trailingGarbageAt = offset;
    this.state = State.Done;
    return buf.length;
  }

  /** The markup at `lt` is not complete in `buf`: carry it (returns -1), or fail if input ended. */
  private incomplete(buf: Buffer, lt: number, base: number, final: boolean): number {
    // after the root only a PI gets here: wait for its end unless the input ended or it is too long
    if (this.state === State.Epilog && (final || buf.length - lt > this.maxMarkupLength)) {
      return this.trailing(buf, base + lt);
    }
    if (final) this.truncatedMarkup(base + lt);
    if (buf.length - lt > this.maxMarkupLength) {
      this.fail('too-large', `tag longer than ${this.maxMarkupLength} bytes`, base + lt);
    }
    this.carry(buf, lt, base);
    return -1;
  }

  private processingInstruction(buf: Buffer, lt: number, base: number, final: boolean): number {
    const close = buf.indexOf('?>', lt + 2, 'latin1');
    if (close < 0) return this.incomplete(buf, lt, base, final);
    this.flushText();
    const body = buf.toString('utf8', lt + 2, close);
    const target = /^[^\s?]*/.exec(body)?.[0] ?? '';
    if (target.toLowerCase() === 'xml') {
      if (!this.declarationAllowed || base + lt !== this.xmlStart) {
        this.fail('malformed', 'XML declaration is only allowed at the start of the document', base + lt);
      }
      const encoding = /\bencoding\s*=\s*["']([^"']*)["']/.exec(body)?.[1];
      if (encoding && !/^(utf-?8|us-ascii|ascii)$/i.test(encoding)) {
        this.fail('malformed', `unsupported encoding "${encoding}" (edXML is UTF-8)`, base + lt);
      }
    } else if (this.reportMarkup) {
      this.tokens.push({
        kind: 'pi',
        target,
        data: body.slice(target.length).replace(/^\s+/, ''),
        start: base + lt,
        end: base + close + 2,
      });
    }
    this.declarationAllowed = false;
    return close + 2;
  }

  private startTag(buf: Buffer, lt: number, base: number, final: boolean): number {
    const gt = this.findTagEnd(buf, lt);
    if (gt < 0) return this.incomplete(buf, lt, base, final);
    const offset = base + lt;
    this.flushText();
    this.declarationAllowed = false;
    const selfClosing = buf[gt - 1] === 0x2f;
    const source = buf.toString('utf8', lt + 1, selfClosing ? gt - 1 : gt);
    const { qname, attributes: raw } = this.parseTagBody(source, offset);

    if (this.stack.length >= this.maxDepth) {
      this.fail('too-deep', `elements nested deeper than ${this.maxDepth} levels`, offset);
    }
    if (++this.elementCount > this.maxElements) {
      this.fail('too-many', `more than ${this.maxElements} elements`, offset);
    }

    let bindings: Map<string, string> | undefined;
    for (const [name, value] of raw) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        const prefix = name === 'xmlns' ? '' : name.slice(6);
        if (prefix !== '' && value === '') this.fail('malformed', `namespace prefix "${prefix}" bound to ""`, offset);
        if (prefix === 'xmlns' || (prefix === 'xml' && value !== XML_NS)) {
          this.fail('malformed', `reserved prefix "${prefix}" cannot be declared`, offset);
        }
        bindings ??= new Map();
        bindings.set(prefix, value);
      }
    }
    const parent = this.stack[this.stack.length - 1];
    // the element's own declarations are in scope for its name: resolved once the frame is pushed
    const frame: Frame = { name: UNRESOLVED, bindings, streaming: false };
    this.stack.push(frame);
    frame.name = this.resolve(qname, true, offset);
    const attributes: XmlAttribute[] = [];
    for (const [name, value] of raw) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        attributes.push({ qname: name, prefix: name === 'xmlns' ? '' : 'xmlns', local: name, ns: XMLNS_NS, value });
      } else {
        const split = splitName(name);
        if (!split) this.fail('malformed', `invalid name "${name}"`, offset);
        const ns = this.namespaceOf(split.prefix, false, name, offset);
        attributes.push({ qname: name, prefix: split.prefix, local: split.local, ns, value });
      }
    }
    frame.streaming = this.isStreamingElement?.(frame.name, parent?.name) ?? false;
    this.rootSeen = true;
    this.tokens.push({ kind: 'start', name: frame.name, attributes, selfClosing, start: offset, end: base + gt + 1 });
    if (selfClosing) this.closeElement(frame, base + gt + 1, base + gt + 1);
    return gt + 1;
  }

  private endTag(buf: Buffer, lt: number, base: number, final: boolean): number {
    const gt = buf.indexOf(GT, lt + 2);
    if (gt < 0) return this.incomplete(buf, lt, base, final);
    const offset = base + lt;
    const top = this.stack[this.stack.length - 1];
    if (top && endTagNames(buf, lt + 2, gt, top.name.qname)) {
      this.flushText();
      this.closeElement(top, offset, base + gt + 1);
      return gt + 1;
    }
    const qname = buf.toString('utf8', lt + 2, gt).trimEnd();
    if (!top) {
      this.fail('malformed', `end tag </${qname}> without a start tag`, offset);
    }
    if (top.name.qname !== qname) {
      this.fail('malformed', `mismatched end tag </${qname}>, expected </${top.name.qname}>`, offset);
    }
    this.flushText();
    this.closeElement(top, offset, base + gt + 1);
    return gt + 1;
  }

  private closeElement(frame: Frame, start: number, end: number): void {
    this.tokens.push({ kind: 'end', name: frame.name, start, end });
    this.stack.pop();
    if (this.stack.length === 0) {
      this.xmlEnd = end;
      this.state = State.Epilog;
    }
  }

  private parseTagBody(source: string, offset: number): { qname: string; attributes: [string, string][] } {
    // the name runs to the first whitespace, "/" or ">" (a scan, not a regular expression: it runs for every tag)
    const n = source.length;
    let i = 0;
    while (i < n && !endsTagName(source.charCodeAt(i))) i++;
    if (i === 0) this.fail('malformed', `tag without a name: "<${source.slice(0, 40)}"`, offset);
    const qname = i === n ? source : source.slice(0, i);
    const attributes: [string, string][] = [];
    const attrRe = /\s+([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
    while (i < n) {
      attrRe.lastIndex = i;
      const m = attrRe.exec(source);
      if (!m) {
        if (/^\s*$/.test(source.slice(i))) break;
        this.fail('malformed', `malformed attribute in <${qname}>: "${source.slice(i, i + 40).trim()}"`, offset);
      }
      const name = m[1]!;
      const rawValue = m[2] ?? m[3] ?? '';
      if (rawValue.includes('<')) this.fail('malformed', `"<" in the value of attribute ${name} of <${qname}>`, offset);
      if (attributes.some(([a]) => a === name))
        this.fail('malformed', `duplicate attribute ${name} on <${qname}>`, offset);
      if (attributes.length >= this.maxAttributes) {
        this.fail('too-many', `more than ${this.maxAttributes} attributes on <${qname}>`, offset);
      }
      const value = this.decodeEntities(rawValue.replace(/\r\n|[\r\n\t]/g, ' '), offset);
      attributes.push([name, value]);
      i = attrRe.lastIndex;
    }
    return { qname, attributes };
  }

  private resolve(qname: string, isElement: boolean, offset: number): XmlName {
    const split = splitName(qname);
    if (!split) this.fail('malformed', `invalid name "${qname}"`, offset);
    const { prefix, local } = split;
    const ns = this.namespaceOf(prefix, isElement, qname, offset);
    if (!isElement) return { qname, prefix, local, ns };
    // element names repeat within a package and across packages: one object per name and namespace
    // (tokens' names are never modified)
    const known = resolvedElementNames.get(qname);
    if (known !== undefined && known.ns === ns) return known;
    const name = { qname, prefix, local, ns };
    if (resolvedElementNames.size >= MAX_CHECKED_NAMES) resolvedElementNames.clear();
    resolvedElementNames.set(qname, name);
    return name;
  }

  private namespaceOf(prefix: string, isElement: boolean, qname: string, offset: number): string {
    if (prefix === '' && !isElement) return '';
    if (prefix === 'xml') return XML_NS;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const uri = this.stack[i]!.bindings?.get(prefix);
      if (uri !== undefined) return uri;
    }
    if (prefix !== '') this.fail('malformed', `undeclared namespace prefix "${prefix}" in <${qname}>`, offset);
    return '';
  }

  private appendText(buf: Buffer, from: number, to: number, base: number, cdata: boolean): void {
    if (this.stack.length === 0) {
      if (!isWhitespace(buf, from, to)) {
        this.fail('malformed', 'text outside the root element', base + from + firstNonWhitespace(buf, from, to));
      }
      return;
    }
    if (this.textStart < 0) this.textStart = base + from;
    this.textBytes += to - from;
    // 4 bytes per character is the UTF-8 worst case; the exact character count is checked in flushText
    if (this.textBytes > this.maxTextLength * 4) this.textTooLarge(this.textBytes);
    this.textEnd = base + to;
    // the usual text node: literal text between two tags in one chunk. It starts after markup and
    // ends at a `<`, so no UTF-8 sequence is split: decoded at once, without copying its bytes.
    if (this.text.length === 0 && this.textString === undefined && !cdata && to < buf.length) {
      this.textString = indentation(buf, from, to) ?? buf.toString('utf8', from, to);
      return;
    }
    if (this.textString !== undefined) {
      this.text.push({ parts: [Buffer.from(this.textString, 'utf8')], cdata: false });
      this.textString = undefined;
    }
    const last = this.text[this.text.length - 1];
    const part = Buffer.from(buf.subarray(from, to));
    if (last && last.cdata === cdata) last.parts.push(part);
    else this.text.push({ parts: [part], cdata });
  }

  private textTooLarge(size: number): never {
    this.fail('too-large', `text longer than ${this.maxTextLength} characters (${size} so far)`, this.textStart);
  }

  private flushText(): void {
    const single = this.textString;
    if (single !== undefined) {
      this.textString = undefined;
      const text = this.decodeEntities(normalizeLineEnds(single), this.textStart);
      if (text.length > this.maxTextLength) this.textTooLarge(text.length);
      this.tokens.push({ kind: 'text', text, raw: single, start: this.textStart, end: this.textEnd });
      this.textBytes = 0;
      this.textStart = -1;
      return;
    }
    if (this.text.length === 0) {
      this.textStart = -1;
      return;
    }
    let text = '';
    let raw = '';
    for (const segment of this.text) {
      const s = (segment.parts.length === 1 ? segment.parts[0]! : Buffer.concat(segment.parts)).toString('utf8');
      if (segment.cdata) {
        text += normalizeLineEnds(s);
        raw += `<![CDATA[${s}]]>`;
      } else {
        text += this.decodeEntities(normalizeLineEnds(s), this.textStart);
        raw += s;
      }
    }
    if (text.length > this.maxTextLength) this.textTooLarge(text.length);
    this.tokens.push({ kind: 'text', text, raw, start: this.textStart, end: this.textEnd });
    this.text = [];
    this.textBytes = 0;
    this.textStart = -1;
  }

  /**
   * Text of a streaming element between `from` and `to` (no `<` inside). Emits raw slices, decoding
   * entity references; returns where it stopped (before `to` only if an entity was split and carried).
   */
  private streamText(buf: Buffer, from: number, to: number, base: number, final: boolean): number {
    let pos = from;
    while (pos < to) {
      const amp = buf.indexOf(AMP, pos);
      const stop = amp < 0 || amp >= to ? to : amp;
      if (stop > pos) this.tokens.push({ kind: 'text-chunk', data: buf.subarray(pos, stop), start: base + pos });
      if (stop === to) return to;
      const semi = buf.indexOf(SEMI, amp);
      if (semi < 0 || semi >= to) {
        if (to === buf.length && !final && to - amp < 16) {
          this.carry(buf, amp, base);
          return amp;
        }
        this.fail('malformed', `"&" not starting an entity reference: "${preview(buf, amp)}"`, base + amp);
      }
      const decoded = this.decodeEntities(buf.toString('latin1', amp, semi + 1), base + amp);
      this.tokens.push({
        kind: 'text-chunk',
        data: Buffer.from(decoded, 'utf8'),
        start: base + amp,
        origin: 'reference',
      });
      pos = semi + 1;
    }
    return to;
  }

  private decodeEntities(s: string, offset: number): string {
    if (!s.includes('&')) return s;
    return s.replace(/&([^;&\s]{0,32});|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) this.fail('malformed', `"&" not starting an entity reference`, offset);
      const predefined = PREDEFINED[ref];
      if (predefined !== undefined) return predefined;
      if (ref.startsWith('#')) {
        const cp = /^#x[0-9a-fA-F]{1,6}$/.test(ref)
          ? Number.parseInt(ref.slice(2), 16)
          : /^#[0-9]{1,7}$/.test(ref)
            ? Number.parseInt(ref.slice(1), 10)
            : -1;
        if (!isXmlChar(cp)) this.fail('malformed', `invalid character reference ${whole}`, offset);
        return String.fromCodePoint(cp);
      }
      this.fail(
        'entity-forbidden',
        `entity reference ${whole} is not allowed (only &lt; &gt; &amp; &quot; &apos; and character references)`,
        offset,
      );
    });
  }
}

/** CR LF and lone CR become LF (XML 1.0 §2.11) */
function normalizeLineEnds(s: string): string {
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function isWhitespace(buf: Buffer, from: number, to: number, allowBom = false): boolean {
  for (let i = from; i < to; i++) {
    const b = buf[i]!;
    if (isWs(b)) continue;
    if (allowBom && (b === 0xef || b === 0xbb || b === 0xbf)) continue;
    return false;
  }
  return true;
}

function firstNonWhitespace(buf: Buffer, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!isWs(buf[i]!)) return i - from;
  return to - from;
}

function startsWith(buf: Buffer, at: number, s: string): boolean {
  if (at + s.length > buf.length) return false;
  for (let i = 0; i < s.length; i++) if (buf[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

function preview(buf: Buffer, at: number): string {
  return buf
    .toString('utf8', at, Math.min(buf.length, at + 40))
    .replace(/\s+/g, ' ')
    .trim();
}
