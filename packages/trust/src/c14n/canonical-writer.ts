// Buffers canonical output into fixed-size blocks so a hash sees few large updates, and escapes
// character data on bytes so attachment text (100+ MB) streams through without becoming strings.

/** Receives canonical bytes. The view is only valid during the call: copy it to keep it. */
export type CanonicalSink = (bytes: Uint8Array) => void;

const BLOCK = 64 * 1024;
const PENDING_CHARS = 4096;
const AMP = 0x26;
const LT = 0x3c;
const GT = 0x3e;
const CR = 0x0d;
const LF = 0x0a;

const TEXT_ESCAPES: Record<number, string> = { [AMP]: '&amp;', [LT]: '&lt;', [GT]: '&gt;', [CR]: '&#xD;' };

export class CanonicalWriter {
  private readonly block = Buffer.allocUnsafe(BLOCK);
  private used = 0;
  private written = 0;
  /** markup and decoded text not yet encoded: many short strings are encoded in one call */
  private pending = '';

  constructor(private readonly sink: CanonicalSink) {}

  /** bytes written so far */
  get length(): number {
    this.encodePending();
    return this.written;
  }

  string(s: string): void {
    this.pending += s;
    if (this.pending.length >= PENDING_CHARS) this.encodePending();
  }

  private encodePending(): void {
    const s = this.pending;
    if (s.length === 0) return;
    this.pending = '';
    // a UTF-16 code unit is at most 3 UTF-8 bytes
    if (s.length * 3 > BLOCK - this.used) {
      this.flush();
      if (s.length * 3 > BLOCK) {
        const bytes = Buffer.from(s, 'utf8');
        this.written += bytes.length;
        this.sink(bytes);
        return;
      }
    }
    const n = this.block.write(s, this.used, 'utf8');
    this.used += n;
    this.written += n;
  }

  bytes(b: Uint8Array): void {
    if (b.length === 0) return;
    this.encodePending();
    if (b.length > BLOCK - this.used) {
      this.flush();
      if (b.length >= BLOCK / 2) {
        this.written += b.length;
        this.sink(b);
        return;
      }
    }
    this.block.set(b, this.used);
    this.used += b.length;
    this.written += b.length;
  }

  /**
   * Character data given as UTF-8 bytes: `&`, `<`, `>` and CR escaped. With `normalizeLineEnds`,
   * CR LF and lone CR become LF first (literal text and CDATA; not character references).
   * Returns whether the chunk ended in a CR that was turned into LF, so a LF at the start of the
   * contiguous next chunk is dropped by passing `skipLeadingLf`.
   */
  text(b: Uint8Array, normalizeLineEnds: boolean, skipLeadingLf = false): boolean {
    let from = skipLeadingLf && b[0] === LF ? 1 : 0;
    if (!hasTextSpecial(b, from)) {
      this.bytes(from === 0 ? b : b.subarray(from));
      return false;
    }
    let endedInCr = false;
    for (let i = from; i < b.length; i++) {
      const c = b[i]!;
      if (c !== AMP && c !== LT && c !== GT && c !== CR) continue;
      if (i > from) this.bytes(b.subarray(from, i));
      from = i + 1;
      if (c === CR && normalizeLineEnds) {
        this.bytes(LF_BYTES);
        if (b[i + 1] === LF) {
          i++;
          from = i + 1;
        } else if (i + 1 === b.length) {
          endedInCr = true;
        }
      } else {
        this.string(TEXT_ESCAPES[c]!);
      }
    }
    if (from < b.length) this.bytes(b.subarray(from));
    return endedInCr;
  }

  flush(): void {
    this.encodePending();
    if (this.used === 0) return;
    this.sink(this.block.subarray(0, this.used));
    this.used = 0;
  }
}

const LF_BYTES = Buffer.from('\n');

function hasTextSpecial(b: Uint8Array, from: number): boolean {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return (
    buf.indexOf(AMP, from) >= 0 ||
    buf.indexOf(LT, from) >= 0 ||
    buf.indexOf(GT, from) >= 0 ||
    buf.indexOf(CR, from) >= 0
  );
}

/** Escapes decoded character data (a string) the C14N way. */
export function escapeCanonicalText(s: string): string {
  return /[&<>\r]/.test(s) ? s.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c.charCodeAt(0)]!) : s;
}

const ATTRIBUTE_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

/** Escapes a normalised attribute value the C14N way. */
export function escapeCanonicalAttribute(s: string): string {
  return /[&<"\t\n\r]/.test(s) ? s.replace(/[&<"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]!) : s;
}
