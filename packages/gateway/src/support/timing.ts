// Waiting that a shutdown interrupts: sleeps and wake-ups resolve (never reject) when the signal aborts.

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A loop's alarm clock: `wait` resolves on the next `wake`, after `ms`, or on abort, whichever is first. */
export class Waker {
  private pending: (() => void) | undefined;
  private woken = false;

  wake(): void {
    this.woken = true;
    this.pending?.();
  }

  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.woken || signal.aborted) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.pending = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.pending = done;
    });
    this.woken = false;
  }
}

/** Exponential back-off: base, 2·base, 4·base … up to max, with up to 20 % jitter. */
export class Backoff {
  private current = 0;
  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  next(): number {
    this.current = this.current === 0 ? this.baseMs : Math.min(this.current * 2, this.maxMs);
    return Math.round(this.current * (1 + Math.random() * 0.2));
  }

  reset(): void {
    this.current = 0;
  }
}
