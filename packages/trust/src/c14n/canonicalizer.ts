// Streaming Canonical XML 1.0 and Exclusive XML Canonicalization 1.0, both without comments,
// driven by XmlTokenizer events. Memory is bounded by the element depth, not the document size:
// character data goes straight to the writer.
import type { XmlAttribute, XmlEvent } from '@lienthong/edxml';
import type { C14nAlgorithm } from './algorithms.js';
import {
  type CanonicalSink,
  CanonicalWriter,
  escapeCanonicalAttribute,
  escapeCanonicalText,
} from './canonical-writer.js';
import {
  declaredPrefix,
  EMPTY_SCOPE,
  type InheritedScope,
  isNamespaceDeclaration,
  type StartToken,
  XML_NS,
} from './namespace-scope.js';

export interface CanonicalizerOptions {
  algorithm: C14nAlgorithm;
  sink: CanonicalSink;
  /**
   * Canonicalize one subtree (e.g. SignedInfo) rather than a document: the events are exactly the
   * subtree, and this is what its ancestors put in scope.
   */
  subtreeOf?: InheritedScope;
  /** Start tags whose whole subtree is left out (the enveloped-signature transform). */
  exclude?: (token: StartToken) => boolean;
  /** Exclusive C14N InclusiveNamespaces PrefixList ('#default' for the default namespace). */
  inclusivePrefixes?: readonly string[];
}

interface Frame {
  /** in-scope namespaces of this element */
  namespaces: ReadonlyMap<string, string>;
  /** namespaces as rendered by the nearest output ancestors ('' default absent means none) */
  rendered: ReadonlyMap<string, string>;
}

export class Canonicalizer {
  private readonly writer: CanonicalWriter;
  private readonly algorithm: C14nAlgorithm;
  private readonly subtree: InheritedScope | undefined;
  private readonly exclude: CanonicalizerOptions['exclude'];
  private readonly inclusivePrefixes: ReadonlySet<string>;
  private readonly frames: Frame[];
  private skipDepth = 0;
  private rootSeen = false;
  private rootClosed = false;
  /** offset just past a literal chunk that ended in CR, -1 if none */
  private crEndedAt = -1;

  constructor(options: CanonicalizerOptions) {
    this.writer = new CanonicalWriter(options.sink);
    this.algorithm = options.algorithm;
    this.subtree = options.subtreeOf;
    this.exclude = options.exclude;
    this.inclusivePrefixes = new Set((options.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p)));
    this.frames = [{ namespaces: (options.subtreeOf ?? EMPTY_SCOPE).namespaces, rendered: new Map() }];
  }

  /** Canonical bytes written so far (including those still buffered). */
  get length(): number {
    return this.writer.length;
  }

  push(event: XmlEvent): void {
    // the tokenizer follows a self-closing start with an end token, so depth counting is uniform
    if (this.skipDepth > 0) {
      if (event.kind === 'start') this.skipDepth++;
      else if (event.kind === 'end') this.skipDepth--;
      return;
    }
    switch (event.kind) {
      case 'start':
        this.crEndedAt = -1;
        if (this.exclude?.(event)) this.skipDepth = 1;
        else this.start(event);
        return;
      case 'end':
        this.crEndedAt = -1;
        this.end(event.name.qname);
        return;
      case 'text':
        this.crEndedAt = -1;
        if (this.frames.length > 1) this.writer.string(escapeCanonicalText(event.text));
        return;
      case 'text-chunk': {
        if (this.frames.length === 1) return;
        const literal = event.origin !== 'reference';
        const skipLf = literal && this.crEndedAt === event.start;
        const endedInCr = this.writer.text(event.data, literal, skipLf);
        this.crEndedAt = endedInCr ? event.start + event.data.length : -1;
        return;
      }
      case 'pi':
        this.crEndedAt = -1;
        this.processingInstruction(event.target, event.data);
        return;
      case 'comment':
        this.crEndedAt = -1;
        return;
    }
  }

  /** Flushes buffered output to the sink. */
  finish(): void {
    this.writer.flush();
  }

  private processingInstruction(target: string, data: string): void {
    const pi = data === '' ? `<?${target}?>` : `<?${target} ${data}?>`;
    if (this.subtree || this.frames.length > 1) this.writer.string(pi);
    else if (!this.rootSeen) this.writer.string(`${pi}\n`);
    else if (this.rootClosed) this.writer.string(`\n${pi}`);
  }

  private start(token: StartToken): void {
    const parent = this.frames[this.frames.length - 1]!;
    const isApex = this.frames.length === 1;
    this.rootSeen = true;
    // most elements of a package: no attributes, nothing to declare, in the scope of their parent
    if (token.attributes.length === 0 && !isApex && this.declaresNothing(token, parent)) {
      this.writer.string(tag(OPEN_TAGS, token.name.qname, '<'));
      this.frames.push(parent);
      return;
    }

    let namespaces = parent.namespaces;
    const attributes: XmlAttribute[] = [];
    for (const a of token.attributes) {
      if (isNamespaceDeclaration(a)) {
        if (namespaces === parent.namespaces) namespaces = new Map(parent.namespaces);
        (namespaces as Map<string, string>).set(declaredPrefix(a), a.value);
      } else {
        attributes.push(a);
      }
    }
    if (isApex && this.subtree && this.algorithm === 'c14n') {
      for (const [qname, value] of this.subtree.xmlAttributes) {
        if (!attributes.some((a) => a.qname === qname)) {
          attributes.push({ qname, prefix: 'xml', local: qname.slice(4), ns: XML_NS, value });
        }
      }
    }

    const candidates =
      this.algorithm === 'c14n' ? namespaces.keys() : this.utilizedPrefixes(token, attributes, namespaces);
    let rendered = parent.rendered;
    const declarations: [string, string][] = [];
    for (const prefix of candidates) {
      if (prefix === 'xml') continue;
      const uri = namespaces.get(prefix) ?? '';
      const before = parent.rendered.get(prefix) ?? '';
      if (uri === before) continue;
      if (prefix !== '' && uri === '') continue;
      declarations.push([prefix, uri]);
      if (rendered === parent.rendered) rendered = new Map(parent.rendered);
      (rendered as Map<string, string>).set(prefix, uri);
    }
    declarations.sort((a, b) => compareStrings(a[0], b[0]));
    attributes.sort((a, b) => compareStrings(a.ns, b.ns) || compareStrings(a.local, b.local));

    let out = `<${token.name.qname}`;
    for (const [prefix, uri] of declarations) {
      out +=
        prefix === ''
          ? ` xmlns="${escapeCanonicalAttribute(uri)}"`
          : ` xmlns:${prefix}="${escapeCanonicalAttribute(uri)}"`;
    }
    for (const a of attributes) out += ` ${a.qname}="${escapeCanonicalAttribute(a.value)}"`;
    this.writer.string(`${out}>`);
    this.frames.push({ namespaces, rendered });
  }

  /**
   * Whether an element without attributes renders no namespace declaration. Inclusive: its parent
   * (not the apex's) rendered every namespace in scope, and it declares none. Exclusive: its own
   * prefix is rendered as in scope (the InclusiveNamespaces prefixes take the general road).
   */
  private declaresNothing(token: StartToken, parent: Frame): boolean {
    if (this.algorithm === 'c14n') return true;
    if (this.inclusivePrefixes.size > 0) return false;
    const prefix = token.name.prefix;
    if (prefix === 'xml') return true;
    const uri = parent.namespaces.get(prefix) ?? '';
    return uri === (parent.rendered.get(prefix) ?? '') || (prefix !== '' && uri === '');
  }

  /** the prefixes exclusive canonicalization renders for this element, each once (an array: they are few) */
  private utilizedPrefixes(
    token: StartToken,
    attributes: XmlAttribute[],
    namespaces: ReadonlyMap<string, string>,
  ): string[] {
    const prefixes = [token.name.prefix];
    for (const a of attributes) if (a.prefix !== '' && !prefixes.includes(a.prefix)) prefixes.push(a.prefix);
    if (this.inclusivePrefixes.size > 0) {
      for (const p of this.inclusivePrefixes) if (namespaces.has(p) && !prefixes.includes(p)) prefixes.push(p);
    }
    return prefixes;
  }

  private end(qname: string): void {
    if (this.frames.length === 1) return;
    this.writer.string(tag(CLOSE_TAGS, qname, '</'));
    this.frames.pop();
    if (this.frames.length === 1) this.rootClosed = true;
  }
}

// Start and end tags without attributes, by name: a package repeats a few dozen names, and so do the
// packages after it. Bounded in entries and in name length: names come from the packages.
const OPEN_TAGS = new Map<string, string>();
const CLOSE_TAGS = new Map<string, string>();
const MAX_TAGS = 2048;
const MAX_CACHED_NAME = 128;

function tag(cache: Map<string, string>, qname: string, opening: '<' | '</'): string {
  let text = cache.get(qname);
  if (text === undefined) {
    text = `${opening}${qname}>`;
    if (qname.length <= MAX_CACHED_NAME && cache.size < MAX_TAGS) cache.set(qname, text);
  }
  return text;
}

/** Code-point order of UTF-16 strings that are XML names or URIs (no lone surrogates in practice). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
