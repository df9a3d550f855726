// Live throughput for the dashboard: packages accepted per second over the last minute, sampled once a
// second from the hub's metrics counter `lienthong_packages_accepted_total` (all message types).

import type { Registry } from 'prom-client';

const METRIC = 'lienthong_packages_accepted_total';

export class LiveThroughput {
  private readonly ring: number[];
  private last: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: Registry,
    seconds = 60,
  ) {
    this.ring = new Array<number>(seconds).fill(0);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.sample().catch(() => undefined);
    }, 1000).unref();
  }

  async total(): Promise<number> {
    const metric = this.registry.getSingleMetric(METRIC);
    if (!metric) return 0;
    const data = await metric.get();
    return data.values.reduce((s, v) => s + v.value, 0);
  }

  async sample(): Promise<void> {
    const now = await this.total();
    const delta = this.last === undefined ? 0 : Math.max(0, now - this.last);
    this.last = now;
    this.ring.shift();
    this.ring.push(delta);
  }

  /** accepted per second, oldest first, the last `seconds` seconds */
  perSecond(): number[] {
    return [...this.ring];
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
