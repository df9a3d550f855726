import { Readable } from 'node:stream';

/**
 * `prefix` + base64 of `source` + `suffix`, as a stream: the package is encoded as it is read, never held whole.
 * Chunks are re-cut at multiples of 3 bytes so the pieces concatenate to one valid base64 string.
 */
export function base64JsonStream(prefix: string, source: Readable, suffix: string): Readable {
  async function* generate() {
    yield Buffer.from(prefix, 'utf8');
    let rest: Buffer = Buffer.alloc(0);
    for await (const chunk of source) {
      const buf = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      const usable = buf.length - (buf.length % 3);
      if (usable > 0) yield Buffer.from(buf.subarray(0, usable).toString('base64'), 'latin1');
      rest = buf.subarray(usable);
    }
    if (rest.length > 0) yield Buffer.from(rest.toString('base64'), 'latin1');
    yield Buffer.from(suffix, 'utf8');
  }
  return Readable.from(generate(), { objectMode: false });
}
