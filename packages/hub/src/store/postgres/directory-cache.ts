// Agencies cached in the hub process for reads outside transactions (intake's dry-run checks: the
// sender's authorization, its signature policy, the recipients), so that they cost no round trip.
// Several nodes share the database: a trigger on `agencies` (migration 012) notifies the channel
// `lienthong_directory` when a write commits, and every node LISTENs on a connection of its own and
// drops its cache. The cache answers only while that connection is open (after it is lost, nothing is
// answered from here until it is open again, and the cache starts empty). A node's own directory writes
// drop the cache when they start and again when they end, and nothing is cached in between.
//
// What a reader may see: an agency as it was before another node's commit, until that commit's
// notification arrives (on the same server, well under a millisecond later) — the same staleness as a
// read sent just before that commit. If the listening connection dies without a word (a network cut),
// at most ALIVE_MS: the cache answers only while a heartbeat on that connection has been answered lately. Transactions never read from here: they read the directory in the
// group-commit batch (pg-batch.ts, DirectoryCache, checked against `directory_version`), which decides.
// Only agencies found are cached: a code just created is always looked up.

import pg from 'pg';
import type { AgencyRecord } from '../store.js';
import { DIRECTORY_CHANNEL } from './migrations/012-directory-notify.js';

const MAX_AGENCIES = 10_000;
/** the listening connection is asked a `SELECT 1` this often... */
const HEARTBEAT_MS = 1_000;
/**
 * ...and the cache answers only while the last answered one was sent less than this long ago. A backend
 * delivers the notifications committed before a statement ahead of that statement's answer, so a cached
 * agency is at most this stale even when the connection dies without a word (no FIN: a network cut).
 */
const ALIVE_MS = 3_000;
const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

export interface SharedDirectoryStats {
  hits: number;
  misses: number;
  /** notifications received (agencies changed somewhere) */
  invalidations: number;
}

export class SharedDirectoryCache {
  private client: pg.Client | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private failures = 0;
  /** when the last `SELECT 1` answered on the listening connection was sent (or LISTEN, at first) */
  private aliveAt = 0;
  /** moved by every invalidation: a read that started before one is not cached */
  private generation = 0;
  /** this node's directory writes in flight: nothing is answered nor cached meanwhile */
  private writing = 0;
  private readonly agencies = new Map<string, AgencyRecord>();
  readonly stats: SharedDirectoryStats = { hits: 0, misses: 0, invalidations: 0 };

  constructor(
    private readonly url: string,
    /** told when the listening connection is lost (it is opened again by itself) */
    private readonly onError?: (err: Error) => void,
  ) {}

  /** Opens the listening connection; when it cannot, keeps trying in the background (the cache answers nothing meanwhile). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** true while answers may come from here */
  get usable(): boolean {
    return this.client !== undefined && this.writing === 0 && Date.now() - this.aliveAt < ALIVE_MS;
  }

  /** a mark taken before a read from the database: pass it to `put` */
  get token(): number {
    return this.generation;
  }

  get(code: string): AgencyRecord | undefined {
    if (!this.usable) return undefined;
    const hit = this.agencies.get(code);
    if (hit) this.stats.hits++;
    else this.stats.misses++;
    return hit;
  }

  /** an agency read from the database after `token` was taken; dropped if anything was invalidated since */
  put(agency: AgencyRecord, token: number): void {
    if (!this.usable || token !== this.generation) return;
    if (this.agencies.size >= MAX_AGENCIES) this.agencies.clear();
    this.agencies.set(agency.code, agency);
  }

  invalidate(): void {
    this.generation++;
    this.agencies.clear();
  }

  /** this node starts writing the directory (before its first statement) */
  writeStarted(): void {
    this.writing++;
    this.invalidate();
  }

  /** ...and its transaction has committed or rolled back */
  writeEnded(): void {
    this.writing--;
    this.invalidate();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: 'lienthong-directory',
      keepAlive: true,
      query_timeout: 10_000,
    });
    client.on('error', (err) => this.lose(client, err));
    client.on('end', () => this.lose(client));
    client.on('notification', (msg) => {
      if (msg.channel === DIRECTORY_CHANNEL) {
        this.stats.invalidations++;
        this.invalidate();
      }
    });
    try {
      await client.connect();
      const sent = Date.now();
      await client.query(`LISTEN ${DIRECTORY_CHANNEL}`);
      this.aliveAt = sent;
    } catch (err) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      this.scheduleReconnect(err as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    // whatever changed while nobody listened is unknown: start empty
    this.invalidate();
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
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private lose(client: pg.Client, err?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.invalidate();
    clearInterval(this.heartbeat);
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.closed) return;
    if (err) this.onError?.(err);
    this.scheduleReconnect(err);
  }

  private scheduleReconnect(_err?: Error): void {
    if (this.closed || this.reconnectTimer) return;
    this.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (this.failures - 1)) * (0.5 + Math.random() / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    this.invalidate();
    if (client) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
