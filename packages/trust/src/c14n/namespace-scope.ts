// In-scope namespace bindings and xml:* attributes, tracked along the element stack.
import type { XmlAttribute, XmlToken } from '@lienthong/edxml';

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export type StartToken = Extract<XmlToken, { kind: 'start' }>;

/** What a subtree inherits from the ancestors that are not canonicalized with it. */
export interface InheritedScope {
  /** prefix ('' for the default namespace) → URI, as in scope at the apex's parent */
  namespaces: ReadonlyMap<string, string>;
  /** xml:* attributes in scope at the apex's parent (qname → value); inclusive C14N copies them onto the apex */
  xmlAttributes: ReadonlyMap<string, string>;
}

export const EMPTY_SCOPE: InheritedScope = { namespaces: new Map(), xmlAttributes: new Map() };

/** Prefix declared by a namespace attribute (`xmlns` → '', `xmlns:p` → 'p'). */
export function declaredPrefix(attribute: XmlAttribute): string {
  return attribute.qname === 'xmlns' ? '' : attribute.qname.slice(6);
}

export function isNamespaceDeclaration(attribute: XmlAttribute): boolean {
  return attribute.ns === XMLNS_NS;
}

/** Tracks the scope of each open element; push on start tags, pop on end tags. */
export class ScopeStack {
  private readonly stack: InheritedScope[];

  constructor(base: InheritedScope = EMPTY_SCOPE) {
    this.stack = [base];
  }

  get current(): InheritedScope {
    return this.stack[this.stack.length - 1]!;
  }

  push(token: StartToken): InheritedScope {
    const parent = this.current;
    let namespaces = parent.namespaces;
    let xmlAttributes = parent.xmlAttributes;
    for (const a of token.attributes) {
      if (isNamespaceDeclaration(a)) {
        if (namespaces === parent.namespaces) namespaces = new Map(parent.namespaces);
        (namespaces as Map<string, string>).set(declaredPrefix(a), a.value);
      } else if (a.ns === XML_NS) {
        if (xmlAttributes === parent.xmlAttributes) xmlAttributes = new Map(parent.xmlAttributes);
        (xmlAttributes as Map<string, string>).set(a.qname, a.value);
      }
    }
    const scope =
      namespaces === parent.namespaces && xmlAttributes === parent.xmlAttributes
        ? parent
        : { namespaces, xmlAttributes };
    this.stack.push(scope);
    return scope;
  }

  pop(): void {
    if (this.stack.length > 1) this.stack.pop();
  }
}
