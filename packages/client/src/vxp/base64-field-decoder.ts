import { Transform, type TransformCallback } from 'node:stream';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

type State = 'outside' | 'key' | 'after-key' | 'before-value' | 'string' | 'field';

/**
 * Streams a JSON object answer such as `{"status":"OK",…,"data":"<base64>"}`: decodes the base64
 * string of one top-level field on the fly and pushes the bytes, so a large package never sits in
 * memory as text. Every other field is kept and parsed at the end (`fields`).
 */
export class Base64FieldDecoder extends Transform {
  /** the other top-level fields, available once the stream has ended */
  fields: Record<string, unknown> = {};
  private state: State = 'outside';
  private depth = 0;
  private escape = false;
  private expectKey = false;
  private key: number[] = [];
  private unicode: string | undefined;
  private rest: Buffer[] = [];
  private restSize = 0;
  private pending = '';
  private readonly target: Buffer;

  constructor(
    field = 'data',
    private readonly maxRestBytes = 1024 * 1024,
  ) {
    super();
    this.target = Buffer.from(field, 'utf8');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.scan(chunk);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      if (this.state === 'field') throw new Error('answer ended inside the data field');
      this.decode(true);
      const text = Buffer.concat(this.rest).toString('utf8');
      this.fields = text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      cb();
    } catch (err) {
      cb(err instanceof SyntaxError ? new Error(`answer is not JSON: ${err.message}`) : (err as Error));
    }
  }

  private keep(bytes: Buffer): void {
    this.restSize += bytes.length;
    if (this.restSize > this.maxRestBytes) throw new Error('answer has too much besides the data field');
    this.rest.push(bytes);
  }

  private scan(chunk: Buffer): void {
    let i = 0;
    let keptFrom = 0;
    while (i < chunk.length) {
      if (this.state === 'field') {
        if (keptFrom < i) this.keep(chunk.subarray(keptFrom, i));
        i = this.scanField(chunk, i);
        keptFrom = i;
        continue;
      }
      const b = chunk[i]!;
      switch (this.state) {
        case 'outside':
          if (b === QUOTE) {
            if (this.depth === 1 && this.expectKey) {
              this.state = 'key';
              this.key = [];
            } else this.state = 'string';
          } else if (b === 0x7b || b === 0x5b) {
            this.depth++;
            this.expectKey = this.depth === 1 && b === 0x7b;
          } else if (b === 0x7d || b === 0x5d) {
            this.depth--;
          } else if (b === 0x2c && this.depth === 1) {
            this.expectKey = true;
          }
          break;
        case 'string':
          if (this.escape) this.escape = false;
          else if (b === BACKSLASH) this.escape = true;
          else if (b === QUOTE) this.state = 'outside';
          break;
        case 'key':
          if (this.escape) this.escape = false;
          else if (b === BACKSLASH) this.escape = true;
          else if (b === QUOTE) {
            this.state = 'after-key';
            this.expectKey = false;
            break;
          }
          this.key.push(b);
          break;
        case 'after-key':
          if (b === COLON) this.state = Buffer.from(this.key).equals(this.target) ? 'before-value' : 'outside';
          break;
        case 'before-value':
          if (b === QUOTE) {
            // keep `"data":""` in the rest so that the remaining JSON still parses
            this.keep(chunk.subarray(keptFrom, i + 1));
            this.keep(Buffer.from('"'));
            keptFrom = i + 1;
            this.state = 'field';
          } else if (b > 0x20) {
            this.state = 'outside';
            continue;
          }
          break;
      }
      i++;
    }
    if (keptFrom < chunk.length && this.state !== 'field') this.keep(chunk.subarray(keptFrom));
  }

  /** Consume base64 text from `start`; returns the index past the field's closing quote, or the chunk's end. */
  private scanField(chunk: Buffer, start: number): number {
    let i = start;
    while (i < chunk.length) {
      if (this.unicode !== undefined) {
        this.unicode += String.fromCharCode(chunk[i]!);
        i++;
        if (this.unicode.length === 4) {
          this.pending += String.fromCharCode(Number.parseInt(this.unicode, 16));
          this.unicode = undefined;
        }
        continue;
      }
      if (this.escape) {
        this.escape = false;
        const c = chunk[i]!;
        if (c === 0x75) this.unicode = '';
        else if (c === 0x2f) this.pending += '/';
        i++;
        continue;
      }
      const quote = chunk.indexOf(QUOTE, i);
      const backslash = chunk.indexOf(BACKSLASH, i);
      const stop = Math.min(quote < 0 ? chunk.length : quote, backslash < 0 ? chunk.length : backslash);
      this.pending += chunk.toString('latin1', i, stop);
      this.decode(false);
      if (stop === chunk.length) return chunk.length;
      if (chunk[stop] === BACKSLASH) {
        this.escape = true;
        i = stop + 1;
        continue;
      }
      this.decode(true);
      this.state = 'outside';
      return stop + 1;
    }
    return i;
  }

  private decode(final: boolean): void {
    const clean = this.pending.replace(/[^A-Za-z0-9+/=_-]/g, '');
    const usable = final ? clean.length : clean.length - (clean.length % 4);
    if (usable > 0) this.push(Buffer.from(clean.slice(0, usable), 'base64'));
    this.pending = clean.slice(usable);
  }
}
