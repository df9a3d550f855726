// Keeps the console's pre-aggregated statistics (migration 010) up to date: folds accepted packages in
// `seq` order from a persisted cursor, in batches, each batch and its cursor move in one transaction.
// Nothing is added to intake's commit; the figures lag the commits by at most one interval (500 ms by
// default) plus the fold time. Restart-safe (the cursor is in the database) and, on PostgreSQL, safe
// with several hub nodes: the cursor row's lock serialises their folds (store/sql/stats-queries.ts).

import type pino from 'pino';
import type { Store } from '../../store/store.js';

export interface StatsAggregatorOptions {
  /** how often to look for new packages (ms) */
  intervalMs?: number;
  /** packages per transaction */
  batchSize?: number;
}

export class StatsAggregator {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly store: Store,
    private readonly logger: pino.Logger,
    opts: StatsAggregatorOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 500;
    this.batchSize = opts.batchSize ?? 2000;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    const tick = () => {
      this.timer = undefined;
      this.catchUp()
        .catch((err: unknown) => this.logger.warn({ err }, 'console statistics: fold failed (retried)'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /**
   * Folds every package committed so far; resolves with how many this call folded. Concurrent callers
   * share one run (then one more, so a caller never returns before the commits it saw are folded).
   */
  async catchUp(): Promise<number> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.foldAll();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async foldAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const r = await this.store.transaction((tx) => tx.foldStats(this.batchSize));
      total += r.folded;
      if (r.folded < this.batchSize || this.stopped) return total;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
