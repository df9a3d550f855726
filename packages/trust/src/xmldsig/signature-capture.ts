// Collects the events of one Signature element into a small tree, keeping the events themselves so
// SignedInfo can be canonicalized exactly as it was written. A Signature is small: hard limits apply.
import type { XmlAttribute, XmlEvent, XmlName } from '@lienthong/edxml';
import type { InheritedScope } from '../c14n/namespace-scope.js';

export interface SignatureNode {
  name: XmlName;
  attributes: XmlAttribute[];
  children: SignatureNode[];
  /** character data, decoded */
  text: string;
  /** only literal character data: no character references, CDATA, comments, PIs or child elements */
  plainText: boolean;
  /** index of its start event in `SignatureCapture.events`, and one past its end event */
  firstEvent: number;
  endEvent: number;
}

export class SignatureTooLargeError extends Error {}

const MAX_EVENTS = 20_000;
const MAX_TEXT = 2 * 1024 * 1024;

export class SignatureCapture {
  readonly events: XmlEvent[] = [];
  root: SignatureNode | undefined;
  private readonly stack: SignatureNode[] = [];
  private textBytes = 0;
  private readonly textParts = new Map<SignatureNode, Buffer[]>();

  /** `scope`: what the Signature's ancestors put in scope */
  constructor(
    readonly scope: InheritedScope,
    /** byte offset of the Signature start tag */
    readonly start: number,
  ) {}

  get complete(): boolean {
    return this.root !== undefined && this.stack.length === 0;
  }

  /** Adds the next event of the Signature subtree; returns true when the Signature element closed. */
  push(event: XmlEvent): boolean {
    if (this.events.length >= MAX_EVENTS)
      throw new SignatureTooLargeError(`Signature has more than ${MAX_EVENTS} nodes`);
    const index = this.events.length;
    const top = this.stack[this.stack.length - 1];
    switch (event.kind) {
      case 'start': {
        const node: SignatureNode = {
          name: event.name,
          attributes: event.attributes,
          children: [],
          text: '',
          plainText: true,
          firstEvent: index,
          endEvent: -1,
        };
        if (top) {
          top.children.push(node);
          top.plainText = false;
        } else this.root = node;
        this.stack.push(node);
        this.events.push(event);
        return false;
      }
      case 'end': {
        this.events.push(event);
        const node = this.stack.pop();
        if (node) {
          node.endEvent = index + 1;
          const parts = this.textParts.get(node);
          if (parts) node.text += Buffer.concat(parts).toString('utf8');
          this.textParts.delete(node);
        }
        return this.stack.length === 0;
      }
      case 'text-chunk': {
        this.textBytes += event.data.length;
        if (this.textBytes > MAX_TEXT)
          throw new SignatureTooLargeError(`Signature has more than ${MAX_TEXT} bytes of text`);
        // the source may reuse its buffers
        const data = Buffer.from(event.data);
        this.events.push({ ...event, data });
        if (top) {
          const parts = this.textParts.get(top);
          if (parts) parts.push(data);
          else this.textParts.set(top, [data]);
          if (event.origin) top.plainText = false;
        }
        return false;
      }
      case 'text':
        // buffered text (a tokenizer that does not stream every element's text): its raw form tells
        // whether it holds character references (`&`) or CDATA sections (`<`)
        this.textBytes += event.raw.length;
        if (this.textBytes > MAX_TEXT)
          throw new SignatureTooLargeError(`Signature has more than ${MAX_TEXT} bytes of text`);
        this.events.push(event);
        if (top) {
          top.text += event.text;
          if (/[&<]/.test(event.raw)) top.plainText = false;
        }
        return false;
      case 'comment':
      case 'pi':
        this.events.push(event);
        if (top) top.plainText = false;
        return false;
    }
  }
}
