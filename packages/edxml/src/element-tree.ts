// The small element tree the parser keeps of a package's markup (header, manifest, attachment
// metadata). Attachment content is never stored here: it is streamed to the sink.

export interface ElementNode {
  local: string;
  ns: string;
  prefix: string;
  /** local names from the root joined with `/`, e.g. `edXML/edXMLEnvelope/edXMLHeader` */
  path: string;
  /** text content while the element has no child elements (mixed content is not modelled) */
  text: string;
  children: ElementNode[];
  start: number;
  end: number;
  /** for <Attachment>: what was learned from its streamed ContentTransferEncoded */
  content?: { index: number; size: number; sha256: string; ref?: unknown };
}

/** Collects parse warnings, keeping at most `max` and counting the rest. */
export class WarningList {
  readonly items: { path: string; message: string }[] = [];
  private suppressed = 0;
  constructor(private readonly max = 100) {}

  add(path: string, message: string): void {
    if (this.items.length < this.max) this.items.push({ path, message });
    else this.suppressed++;
  }

  finish(): { path: string; message: string }[] {
    if (this.suppressed > 0) {
      this.items.push({ path: '', message: `${this.suppressed} more warnings not shown` });
      this.suppressed = 0;
    }
    return this.items;
  }
}

/** Removes keys whose value is undefined, so parsed values compare equal to hand-written ones. */
export function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
