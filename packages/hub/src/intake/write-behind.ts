// Writes handed on in order without waiting for each one: the intake keeps parsing while the last
// chunks are still on their way to disk, with at most `window` bytes in flight (the chunks are held
// until written, so memory stays bounded). The chunks that arrive while a write is under way go down
// together in the next one (a file temp writes them with one writev): a 100 MiB attachment is some
// hundred writes instead of thousands. A failed write fails every later one and the flush.

export class WriteBehind {
  private queued: Uint8Array[] = [];
  /** bytes queued or being written */
  private inFlight = 0;
  private running: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;
  private waiters: (() => void)[] = [];

  /** `writeMany` is called with one batch at a time, in order, never again before the last one settled */
  constructor(
    private readonly writeMany: (chunks: Uint8Array[]) => Promise<void>,
    private readonly window: number,
  ) {}

  /** resolves once at most `window` bytes are in flight; rejects when an earlier write failed */
  async write(chunk: Uint8Array): Promise<void> {
    this.throwIfFailed();
    this.queued.push(chunk);
    this.inFlight += chunk.byteLength;
    this.running ??= this.pump();
    while (this.inFlight > this.window && !this.failure) await new Promise<void>((r) => this.waiters.push(r));
    this.throwIfFailed();
  }

  /** every chunk written (or the first failure) */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  private async pump(): Promise<void> {
    try {
      while (this.queued.length > 0) {
        const batch = this.queued;
        this.queued = [];
        let bytes = 0;
        for (const c of batch) bytes += c.byteLength;
        await this.writeMany(batch);
        this.inFlight -= bytes;
        this.wake();
      }
    } catch (error) {
      this.failure = { error };
      this.queued = [];
      this.wake();
    } finally {
      this.running = undefined;
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Writes `chunks` to `temp` in order: in one call where it can take several at once. */
export function writeChunks(
  temp: { write(chunk: Uint8Array): Promise<void>; writeMany?(chunks: Uint8Array[]): Promise<void> },
  chunks: Uint8Array[],
): Promise<void> {
  if (chunks.length === 1) return temp.write(chunks[0]!);
  if (temp.writeMany) return temp.writeMany(chunks);
  return chunks.reduce<Promise<void>>((p, c) => p.then(() => temp.write(c)), Promise.resolve());
}
