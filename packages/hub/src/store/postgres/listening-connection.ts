// A PostgreSQL connection of its own, outside the store's pool, that LISTENs on some channels for as long
// as its owner runs (directory-cache.ts, postgres-wakeups.ts). It asks `SELECT 1` every heartbeat: a
// connection that died without a word (no FIN: a network cut) shows itself there, and `alive` tells
// whether one was answered lately. When the connection is lost or cannot be opened it is opened again by
// itself, after a growing, jittered delay. The owner hears of notifications, openings and losses through
// callbacks; its timers never keep a process alive.

import pg from 'pg';

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

export interface ListeningConnectionOptions {
  url: string;
  /** LISTENed on at every opening (not quoted: plain lower-case identifiers) */
  channels: readonly string[];
  /** the connection's application_name (pg_stat_activity) */
  applicationName: string;
  /** a `SELECT 1` is sent on the connection this often */
  heartbeatMs: number;
  /** `alive` holds while the last answered heartbeat (or the LISTEN, at first) was sent less than this long ago; default 3 heartbeats */
  aliveMs?: number;
  /** a notification on one of `channels` */
  onNotification(msg: pg.Notification): void;
  /**
   * the connection is open and listens (also the first time); `again`: since the last opening, or since
   * start, an open connection was lost or an attempt to open one failed, so notifications may have been missed
   */
  onOpen?(again: boolean): void;
  /** the open connection was lost (never told after close); `err` is undefined when it just ended */
  onLost?(err: Error | undefined): void;
  /** a connection was lost or could not be opened: the next attempt is in `delayMs` */
  onRetry?(err: Error | undefined, delayMs: number): void;
}

export class ListeningConnection {
  private client: pg.Client | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private failures = 0;
  /** a connection was lost, or an attempt failed, since the last opening */
  private missed = false;
  /** when the last `SELECT 1` answered on the connection was sent (or LISTEN, at first) */
  private aliveAt = 0;
  private readonly aliveMs: number;
  private readonly channels: ReadonlySet<string>;

  constructor(private readonly opts: ListeningConnectionOptions) {
    this.aliveMs = opts.aliveMs ?? 3 * opts.heartbeatMs;
    this.channels = new Set(opts.channels);
  }

  /** Opens the connection; when it cannot, keeps trying in the background. */
  async start(): Promise<void> {
    await this.connect();
  }

  /** true while the connection is open and listens */
  get open(): boolean {
    return this.client !== undefined;
  }

  /** true while it is open and a heartbeat (or the LISTEN) sent less than `aliveMs` ago was answered */
  get alive(): boolean {
    return this.client !== undefined && Date.now() - this.aliveAt < this.aliveMs;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.opts.url,
      application_name: this.opts.applicationName,
      keepAlive: true,
      query_timeout: 10_000,
    });
    // errors of an open connection arrive as events: without a listener they would crash the process
    client.on('error', (err) => this.lose(client, err));
    client.on('end', () => this.lose(client));
    client.on('notification', (msg) => {
      if (this.channels.has(msg.channel)) this.opts.onNotification(msg);
    });
    try {
      await client.connect();
      const sent = Date.now();
      for (const channel of this.opts.channels) await client.query(`LISTEN ${channel}`);
      this.aliveAt = sent;
    } catch (err) {
      await end(client);
      this.missed = true;
      this.scheduleReconnect(err as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    this.heartbeat = setInterval(() => {
      const sent = Date.now();
      client.query('SELECT 1').then(
        () => {
          if (this.client === client) this.aliveAt = sent;
        },
        (err: Error) => this.lose(client, err),
      );
    }, this.opts.heartbeatMs);
    this.heartbeat.unref();
    const again = this.missed;
    this.missed = false;
    this.opts.onOpen?.(again);
  }

  private lose(client: pg.Client, err?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearInterval(this.heartbeat);
    void end(client);
    if (this.closed) return;
    this.missed = true;
    this.opts.onLost?.(err);
    this.scheduleReconnect(err);
  }

  private scheduleReconnect(err?: Error): void {
    if (this.closed || this.reconnectTimer) return;
    this.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (this.failures - 1)) * (0.5 + Math.random() / 2);
    this.opts.onRetry?.(err, delay);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  /** Stops the timers at once and ends the connection; no opening, loss or retry is told after it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    if (client) await end(client);
  }
}

/** ends a connection given up on: its end is not a loss, and a late error of it is ignored */
function end(client: pg.Client): Promise<void> {
  client.removeAllListeners('end');
  client.on('error', () => undefined);
  return client.end().catch(() => undefined);
}
