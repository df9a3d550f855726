// Long-poll wake-ups across hub nodes on one PostgreSQL database: after a commit that creates
// deliveries a node NOTIFYs a channel with the recipients, and every node LISTENs on a connection of
// its own and wakes its local waiters (delivery/inbox-notifier.ts). A notification is a hint, never
// the data: a woken long-poll reads the inbox from the database. So a lost one only makes a long-poll
// wait until its timeout, and after the listening connection is lost and opened again every waiter is
// woken once, as anything may have arrived in between.

import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type pino from 'pino';
import type { MessageType } from '../../core/contract.js';
import type { InboxNotifier, WakeupRelay } from '../../delivery/inbox-notifier.js';
import { ListeningConnection } from './listening-connection.js';

export const WAKEUP_CHANNEL = 'lienthong_inbox';

/** pg_notify refuses payloads of 8000 bytes or more; keep clear of it */
const MAX_PAYLOAD_BYTES = 7900;
/** a recipient list that needs more notifications than this becomes one "wake everyone waiting for this type" */
const MAX_CHUNKS = 8;
const HEARTBEAT_MS = 30_000;

/** what a notification carries: the node that sent it, the message type, and the recipients or all */
export interface WakeupMessage {
  n: string;
  t: MessageType;
  r?: string[];
  all?: true;
}

/** The payloads that carry one wake-up: chunks of the recipient list, each under pg_notify's limit. */
export function wakeupPayloads(node: string, messageType: MessageType, recipients: readonly string[]): string[] {
  const all = JSON.stringify({ n: node, t: messageType, all: true } satisfies WakeupMessage);
  const encode = (r: string[]) => JSON.stringify({ n: node, t: messageType, r } satisfies WakeupMessage);
  const empty = Buffer.byteLength(encode([]));
  const out: string[] = [];
  let chunk: string[] = [];
  let bytes = empty;
  for (const recipient of recipients) {
    // the recipient as a JSON string, and the comma before it
    const more = Buffer.byteLength(JSON.stringify(recipient)) + (chunk.length > 0 ? 1 : 0);
    if (bytes + more <= MAX_PAYLOAD_BYTES) {
      chunk.push(recipient);
      bytes += more;
      continue;
    }
    if (chunk.length === 0 || out.length + 1 >= MAX_CHUNKS) return [all]; // one too long to name, or too many
    out.push(encode(chunk));
    chunk = [recipient];
    bytes = empty + more - 1;
    if (bytes > MAX_PAYLOAD_BYTES) return [all];
  }
  if (chunk.length > 0) out.push(encode(chunk));
  return out;
}

export interface PostgresWakeupsOptions {
  /** the database URL: the listening connection is opened with it, outside the store's pool */
  url: string;
  /** the store's pool: notifications are sent through it */
  pool: pg.Pool;
  notifier: InboxNotifier;
  logger: pino.Logger;
  /** the channel (tests); default lienthong_inbox */
  channel?: string;
}

export class PostgresWakeups implements WakeupRelay {
  /** this node, so that it skips its own notifications (its waiters were woken at the commit) */
  readonly node = randomBytes(6).toString('hex');
  private readonly channel: string;
  private readonly listener: ListeningConnection;
  private closed = false;
  private queue: string[] = [];
  private sending: Promise<void> | undefined;

  constructor(private readonly opts: PostgresWakeupsOptions) {
    this.channel = opts.channel ?? WAKEUP_CHANNEL;
    this.listener = new ListeningConnection({
      url: opts.url,
      channels: [this.channel],
      applicationName: 'lienthong-listen',
      heartbeatMs: HEARTBEAT_MS,
      onNotification: (msg) => {
        if (msg.payload) this.received(msg.payload);
      },
      // a wake-up may have been missed while nobody listened (also when the first attempts failed)
      onOpen: (again) => {
        if (!again) return;
        opts.logger.info('listening for long-poll wake-ups again; waking every long-poll once');
        opts.notifier.wakeAll();
      },
      onRetry: (err, delay) =>
        opts.logger.warn(
          { err: err?.message, retryInMs: Math.round(delay) },
          'long-poll wake-up connection to the database lost; reconnecting',
        ),
    });
  }

  /** Opens the listening connection; when the database cannot be reached, keeps trying in the background. */
  async start(): Promise<void> {
    await this.listener.start();
  }

  /** true while the listening connection is open */
  get listening(): boolean {
    return this.listener.open;
  }

  publish(recipients: readonly string[], messageType: MessageType): void {
    if (this.closed || recipients.length === 0) return;
    this.queue.push(...wakeupPayloads(this.node, messageType, recipients));
    // the wake-ups of commits that finish together go out in one round trip
    this.sending ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.send());
  }

  private async send(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 100);
      try {
        await this.opts.pool.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [this.channel, batch]);
      } catch (err) {
        // the other nodes' long-polls then wait until their timeout: late, never lost
        this.opts.logger.warn({ err: (err as Error).message }, 'could not send long-poll wake-ups to the other nodes');
      }
    }
    this.sending = undefined;
  }

  private received(payload: string): void {
    let m: WakeupMessage;
    try {
      m = JSON.parse(payload) as WakeupMessage;
    } catch {
      this.opts.logger.debug({ payload: payload.slice(0, 200) }, 'ignored a malformed wake-up');
      return;
    }
    if (m.n === this.node) return;
    if (m.t !== 'edoc' && m.t !== 'status') return;
    if (m.all) this.opts.notifier.wakeType(m.t);
    else if (Array.isArray(m.r)) this.opts.notifier.wakeLocal(m.r, m.t);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // the timers stop at once; the last wake-ups go out through the pool meanwhile
    const listening = this.listener.close();
    await this.sending;
    await listening;
  }
}
