// Writes handed on in order without waiting for each one: the intake keeps parsing while the last
// chunks are still on their way to disk, with at most `window` bytes in flight (the chunks are held
// until written, so memory stays bounded). A failed write fails every later one and the flush.

export class WriteBehind {
  private last: Promise<void> = Promise.resolve();
  private readonly pending: { done: Promise<void>; bytes: number }[] = [];
  private inFlight = 0;

  /** `write` must not be called again before the previous call's promise settles */
  constructor(
    private readonly writeOne: (chunk: Uint8Array) => Promise<void>,
    private readonly window: number,
  ) {}

  /** resolves once at most `window` bytes are in flight; rejects when an earlier write failed */
  async write(chunk: Uint8Array): Promise<void> {
    const done = this.last.then(() => this.writeOne(chunk));
    // settled later (flush, or the window); a refusal that ends the intake early must not leave it unhandled
    done.catch(() => undefined);
    this.last = done;
    this.pending.push({ done, bytes: chunk.byteLength });
    this.inFlight += chunk.byteLength;
    while (this.inFlight > this.window) await this.settleOldest();
  }

  /** every chunk written (or the first failure) */
  async flush(): Promise<void> {
    while (this.pending.length > 0) await this.settleOldest();
  }

  private async settleOldest(): Promise<void> {
    const oldest = this.pending.shift()!;
    this.inFlight -= oldest.bytes;
    await oldest.done;
  }
}
