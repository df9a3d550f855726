// Checkpoints the audit chain every `trust.checkpointIntervalSeconds` and once more when the hub closes.

import type { HubContext } from '../core/hub-context.js';
import { checkpointAudit } from './checkpoint-audit.js';

export class CheckpointScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: HubContext) {}

  start(): void {
    const ms = this.ctx.config.trust.checkpointIntervalSeconds * 1000;
    this.timer = setInterval(() => void this.run(), ms);
    this.timer.unref();
  }

  /** one checkpoint now (after any in progress); undefined when the head has not moved */
  run(): ReturnType<typeof checkpointAudit> {
    const next = this.running.then(() => checkpointAudit(this.ctx));
    this.running = next.catch((err) => this.ctx.logger.error({ err }, 'audit checkpoint failed'));
    return next;
  }

  /** stops the timer and takes the final checkpoint */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.run().catch(() => {});
  }
}
