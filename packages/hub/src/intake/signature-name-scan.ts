// Whether a stream of bytes spells "Signature" anywhere, looked for chunk by chunk as the body streams
// in (a chunk boundary may split the name): the intake's streaming pass notes it so that an unsigned
// package gets its 'absent' verdict without reading its bytes back from disk.

const NAME = Buffer.from('Signature');

export class SignatureNameScan {
  found = false;
  /** the last NAME.length - 1 bytes seen (fewer at the start) */
  private tail: Buffer = Buffer.alloc(0);

  scan(chunk: Uint8Array): void {
    if (this.found || chunk.byteLength === 0) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const keep = NAME.length - 1;
    if (this.tail.length > 0 && Buffer.concat([this.tail, bytes.subarray(0, keep)]).includes(NAME)) {
      this.found = true;
      return;
    }
    if (bytes.includes(NAME)) {
      this.found = true;
      return;
    }
    // copied: the caller may reuse its buffer
    const joined = bytes.length >= keep ? bytes.subarray(bytes.length - keep) : Buffer.concat([this.tail, bytes]);
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - keep)));
  }
}
