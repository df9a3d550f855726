// Who was seen and who is failing: every authenticated request marks its agency seen (in memory,
// written to `agency_last_seen` every few seconds and at close: one upsert per agency seen since), and
// answers of 4xx/5xx are counted per agency with the latest few kept (in memory: since start-up).

import type pino from 'pino';
import type { Store } from '../../store/store.js';

export interface AgencyError {
  at: Date;
  status: number;
  method: string;
  route: string;
}

export interface AgencyErrors {
  clientErrors: number;
  serverErrors: number;
  recent: AgencyError[];
}

const RECENT = 10;

export class AgencyActivity {
  private seen = new Map<string, number>();
  private readonly errors = new Map<string, AgencyErrors>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: pino.Logger,
    private readonly flushMs = 5000,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.flush().catch((err: unknown) => this.logger.warn({ err }, 'console: last-seen flush failed'));
    }, this.flushMs).unref();
  }

  /** an authenticated request of `code` was answered with `status` */
  record(code: string, status: number, method: string, route: string, at = new Date()): void {
    const ms = at.getTime();
    if ((this.seen.get(code) ?? 0) < ms) this.seen.set(code, ms);
    if (status < 400) return;
    let e = this.errors.get(code);
    if (!e) {
      e = { clientErrors: 0, serverErrors: 0, recent: [] };
      this.errors.set(code, e);
    }
    if (status >= 500) e.serverErrors++;
    else e.clientErrors++;
    e.recent.unshift({ at, status, method, route });
    if (e.recent.length > RECENT) e.recent.length = RECENT;
  }

  errorsOf(code: string): AgencyErrors {
    const e = this.errors.get(code);
    return e ? { ...e, recent: [...e.recent] } : { clientErrors: 0, serverErrors: 0, recent: [] };
  }

  /** last-seen instants not written yet (they are newer than what the store has) */
  pending(): ReadonlyMap<string, number> {
    return this.seen;
  }

  /** writes what was seen since the last flush */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.seen.size === 0) return;
    const batch = this.seen;
    this.seen = new Map();
    this.flushing = this.store
      .touchAgencies([...batch].map(([code, ms]) => ({ code, at: new Date(ms) })))
      .catch((err: unknown) => {
        // keep them for the next flush
        for (const [code, ms] of batch) if ((this.seen.get(code) ?? 0) < ms) this.seen.set(code, ms);
        throw err;
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch((err: unknown) => this.logger.warn({ err }, 'console: last-seen flush failed'));
  }
}
