// Streaming, strict base64 decoding: whitespace (including CRLF line breaks) is skipped anywhere,
// chunks may split the alphabet quads at any byte, `=` padding is only allowed at the very end,
// and any other byte is refused with its offset.
//
// Decoded in JavaScript straight from the bytes, four at a time: one lookup per byte in a table that
// already holds the sextet at its place in the 24-bit group, or a flag bit for anything that is not
// in the alphabet. A quad without the flag is three bytes out; a flagged one (a line break, padding,
// an invalid byte, a quad split by a chunk boundary) goes through the byte-at-a-time path, which
// alone decides what is refused. No string and no scratch copy per chunk: the previous way (validate
// and compact into a scratch buffer, then `Buffer.from(latin1 string, 'base64')`) spent as much time
// in the string and the garbage collector as in the validation.

const WHITESPACE = 64;
const PAD = 65;
const INVALID = 255;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const TABLE = new Uint8Array(256).fill(INVALID);
for (let i = 0; i < 64; i++) TABLE[ALPHABET.charCodeAt(i)] = i;
for (const c of [0x20, 0x09, 0x0a, 0x0d]) TABLE[c] = WHITESPACE;
TABLE[0x3d] = PAD;

/** set in a quad's value when one of its bytes is not in the alphabet */
const NOT_ALPHABET = 1 << 24;
/** the sextet of each byte shifted to its place in a quad (18, 12, 6, 0 bits), or NOT_ALPHABET */
const [AT0, AT1, AT2, AT3] = [18, 12, 6, 0].map((shift) => {
  const t = new Int32Array(256).fill(NOT_ALPHABET);
  for (let i = 0; i < 64; i++) t[ALPHABET.charCodeAt(i)] = i << shift;
  return t;
}) as [Int32Array, Int32Array, Int32Array, Int32Array];

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
  /** sextets of the quad begun so far, most significant first */
  private bits = 0;
  /** how many sextets `bits` holds (0-3) */
  private held = 0;
  private padding = 0;
  private paddingAt = -1;

  /**
   * Decodes the next encoded chunk; `offset` is the chunk's position in the whole input, used in
   * error messages. Returns the decoded bytes (possibly empty), in a fresh buffer.
   */
  write(chunk: Uint8Array, offset = 0): Buffer {
    const len = chunk.length;
    const out = Buffer.allocUnsafe(Math.floor((this.held + len) / 4) * 3);
    let o = 0;
    let i = 0;
    let bits = this.bits;
    let held = this.held;
    while (i < len) {
      if (held === 0 && this.padding === 0) {
        // whole quads of alphabet characters: the common case, up to the next line break
        const last = len - 4;
        while (i <= last) {
          const q = AT0[chunk[i]!]! | AT1[chunk[i + 1]!]! | AT2[chunk[i + 2]!]! | AT3[chunk[i + 3]!]!;
          if ((q & NOT_ALPHABET) !== 0) break;
          out[o] = q >>> 16;
          out[o + 1] = q >>> 8;
          out[o + 2] = q;
          o += 3;
          i += 4;
        }
        if (i >= len) break;
      }
      // one byte: whitespace, padding, an invalid byte, or part of a quad the fast loop could not take
      const b = chunk[i]!;
      const v = TABLE[b]!;
      if (v < 64) {
        if (this.padding > 0) throw this.afterPadding(offset + i);
        bits = (bits << 6) | v;
        if (++held === 4) {
          out[o] = bits >>> 16;
          out[o + 1] = bits >>> 8;
          out[o + 2] = bits;
          o += 3;
          bits = 0;
          held = 0;
        }
      } else if (v === WHITESPACE) {
        // skipped
      } else if (v === PAD) {
        if (this.padding === 0) this.paddingAt = offset + i;
        if (held < 2 || ++this.padding + held > 4) {
          throw new Base64Error(`misplaced "=" padding at offset ${offset + i}`, offset + i);
        }
      } else {
        throw new Base64Error(`invalid base64 character ${describe(b)} at offset ${offset + i}`, offset + i);
      }
      i++;
    }
    this.bits = bits;
    this.held = held;
    return o === out.length ? out : out.subarray(0, o);
  }

  /** Flushes the final partial quad (unpadded input is accepted); throws if it cannot be a quad's start. */
  end(offset = 0): Buffer {
    const rest = this.held;
    const bits = this.bits;
    this.held = 0;
    this.bits = 0;
    if (rest === 0) {
      if (this.padding > 0) throw new Base64Error(`misplaced "=" padding at offset ${this.paddingAt}`, this.paddingAt);
      return Buffer.alloc(0);
    }
    if (rest === 1) throw new Base64Error(`base64 ends with a lone character (truncated?) at offset ${offset}`, offset);
    if (this.padding > 0 && rest + this.padding !== 4) {
      throw new Base64Error(`misplaced "=" padding at offset ${this.paddingAt}`, this.paddingAt);
    }
    // the bits past the last whole byte are dropped, as Buffer.from(…, 'base64') did
    return rest === 2 ? Buffer.from([bits >>> 4]) : Buffer.from([bits >>> 10, (bits >>> 2) & 0xff]);
  }

  private afterPadding(offset: number): Base64Error {
    return new Base64Error(`base64 data after "=" padding at offset ${offset}`, offset);
  }
}

function describe(b: number): string {
  return b >= 0x21 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `0x${b.toString(16).padStart(2, '0')}`;
}
