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

import type { AgencyRecord } from '../store.js';
import { ListeningConnection } from './listening-connection.js';
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

export interface SharedDirectoryStats {
  hits: number;
  misses: number;
  /** notifications received (agencies changed somewhere) */
  invalidations: number;
}

export class SharedDirectoryCache {
  private readonly listener: ListeningConnection;
  /** moved by every invalidation: a read that started before one is not cached */
  private generation = 0;
  /** this node's directory writes in flight: nothing is answered nor cached meanwhile */
  private writing = 0;
  private readonly agencies = new Map<string, AgencyRecord>();
  readonly stats: SharedDirectoryStats = { hits: 0, misses: 0, invalidations: 0 };

  constructor(
    url: string,
    /** told when the listening connection is lost (it is opened again by itself) */
    onError?: (err: Error) => void,
  ) {
    this.listener = new ListeningConnection({
      url,
      channels: [DIRECTORY_CHANNEL],
      applicationName: 'lienthong-directory',
      heartbeatMs: HEARTBEAT_MS,
      aliveMs: ALIVE_MS,
      onNotification: () => {
        this.stats.invalidations++;
        this.invalidate();
      },
      // whatever changed while nobody listened is unknown: start empty
      onOpen: () => this.invalidate(),
      onLost: (err) => {
        this.invalidate();
        if (err) onError?.(err);
      },
    });
  }

  /** Opens the listening connection; when it cannot, keeps trying in the background (the cache answers nothing meanwhile). */
  async start(): Promise<void> {
    await this.listener.start();
  }

  /** true while answers may come from here */
  get usable(): boolean {
    return this.writing === 0 && this.listener.alive;
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

  async close(): Promise<void> {
    const closing = this.listener.close();
    this.invalidate();
    await closing;
  }
}
