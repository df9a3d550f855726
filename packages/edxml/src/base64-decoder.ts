// Streaming, strict base64 decoding: whitespace (including CRLF line breaks) is skipped anywhere,
// chunks may split the alphabet quads at any byte, `=` padding is only allowed at the very end,
// and any other byte is refused with its offset.

const WHITESPACE = 64;
const PAD = 65;
const INVALID = 255;

const TABLE = new Uint8Array(256).fill(INVALID);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => {
  TABLE[c.charCodeAt(0)] = i;
});
for (const c of [0x20, 0x09, 0x0a, 0x0d]) TABLE[c] = WHITESPACE;
TABLE[0x3d] = PAD;

export class Base64Error extends Error {
  /** byte offset of the offending character in the encoded input (as given to write's `offset`) */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'Base64Error';
    this.offset = offset;
  }
}

export class Base64Decoder {
  /** compacted alphabet characters: up to 3 carried from the previous chunk, then this chunk's */
  private scratch = Buffer.alloc(64 * 1024);
  private carried = 0;
  private padding = 0;
  private paddingAt = -1;

  /**
   * Decodes the next encoded chunk; `offset` is the chunk's position in the whole input, used in
   * error messages. Returns the decoded bytes (possibly empty), in a fresh buffer.
   */
  write(chunk: Uint8Array, offset = 0): Buffer {
    const needed = this.carried + chunk.length;
    if (this.scratch.length < needed) {
      const bigger = Buffer.alloc(Math.max(needed, this.scratch.length * 2));
      this.scratch.copy(bigger, 0, 0, this.carried);
      this.scratch = bigger;
    }
    const scratch = this.scratch;
    let n = this.carried;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      const v = TABLE[b]!;
      if (v < 64) {
        if (this.padding > 0) throw this.afterPadding(offset + i);
        scratch[n++] = b;
      } else if (v === WHITESPACE) {
        // skipped
      } else if (v === PAD) {
        if (this.padding === 0) this.paddingAt = offset + i;
        if (n % 4 < 2 || ++this.padding + (n % 4) > 4) {
          throw new Base64Error(`misplaced "=" padding at offset ${offset + i}`, offset + i);
        }
      } else {
        throw new Base64Error(`invalid base64 character ${describe(b)} at offset ${offset + i}`, offset + i);
      }
    }
    const whole = n - (n % 4);
    this.carried = n - whole;
    const out = whole > 0 ? Buffer.from(scratch.toString('latin1', 0, whole), 'base64') : Buffer.alloc(0);
    if (this.carried > 0) scratch.copy(scratch, 0, whole, n);
    return out;
  }

  /** Flushes the final partial quad (unpadded input is accepted); throws if it cannot be a quad's start. */
  end(offset = 0): Buffer {
    const rest = this.carried;
    this.carried = 0;
    if (rest === 0) {
      if (this.padding > 0) throw new Base64Error(`misplaced "=" padding at offset ${this.paddingAt}`, this.paddingAt);
      return Buffer.alloc(0);
    }
    if (rest === 1) throw new Base64Error(`base64 ends with a lone character (truncated?) at offset ${offset}`, offset);
    if (this.padding > 0 && rest + this.padding !== 4) {
      throw new Base64Error(`misplaced "=" padding at offset ${this.paddingAt}`, this.paddingAt);
    }
    return Buffer.from(this.scratch.toString('latin1', 0, rest), 'base64');
  }

  private afterPadding(offset: number): Base64Error {
    return new Base64Error(`base64 data after "=" padding at offset ${offset}`, offset);
  }
}

function describe(b: number): string {
  return b >= 0x21 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `0x${b.toString(16).padStart(2, '0')}`;
}
