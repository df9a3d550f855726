import { Transform, type TransformCallback } from 'node:stream';

export interface Progress {
  /** bytes transferred so far */
  transferred: number;
  /** total bytes when known */
  total: number | undefined;
}

export type ProgressCallback = (p: Progress) => void;

/** A pass-through stream that reports how many bytes went through it. */
export class ProgressStream extends Transform {
  private transferred = 0;
  constructor(
    private readonly total: number | undefined,
    private readonly onProgress: ProgressCallback,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.transferred += chunk.length;
    this.onProgress({ transferred: this.transferred, total: this.total });
    cb(null, chunk);
  }
}
