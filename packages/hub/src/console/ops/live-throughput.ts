// Live throughput for the dashboard: packages accepted per second over the last minute, sampled once a
// second from the newest document sequence number (an index lookup). Counted from the database, so on
// several hub nodes sharing PostgreSQL every node shows the whole cluster's rate.

export class LiveThroughput {
  private readonly ring: number[];
  private last: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly head: () => Promise<number>,
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

  async sample(): Promise<void> {
    const now = await this.head();
    const delta = this.last === undefined ? 0 : Math.max(0, now - this.last);
    this.last = now;
    this.ring.shift();
    this.ring.push(delta);
  }

  /** accepted per second, oldest first */
  perSecond(): number[] {
    return [...this.ring];
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
