// Wake-ups for long-polls: a commit that creates deliveries notifies their recipients. In-process by
// default; with a relay (PostgreSQL LISTEN/NOTIFY, store/postgres/postgres-wakeups.ts) the other hub
// nodes on the same database wake their own waiters too.

import type { MessageType } from '../core/contract.js';

type Waiter = () => void;
/** told of every wake-up (recipients undefined: anyone of that type, or everyone) */
type Listener = (recipients: readonly string[] | undefined, messageType: MessageType | undefined) => void;

/** Carries wake-ups to the other hub nodes on the same store. None on SQLite (one node). */
export interface WakeupRelay {
  /** tells the other nodes (after the commit that created the deliveries); never throws */
  publish(recipients: readonly string[], messageType: MessageType): void;
  /** stops listening; resolves once what was published has been sent */
  close(): Promise<void>;
}

export class InboxNotifier {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private relay: WakeupRelay | undefined;
  private readonly listeners = new Set<Listener>();
  /** shut down: a wait that starts now (a long-poll still reading its inbox at close) ends at once */
  private closed = false;

  /** calls `listener` at every wake-up, local or relayed (the webhook dispatcher); returns the unsubscribe */
  onWake(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(recipients: readonly string[] | undefined, messageType: MessageType | undefined): void {
    for (const l of this.listeners) {
      try {
        l(recipients, messageType);
      } catch {
        // a listener's fault is its own
      }
    }
  }

  /** from now on, notify() also tells the other nodes through `relay` */
  relayTo(relay: WakeupRelay): void {
    this.relay = relay;
  }

  /** recipients got something new (committed on this node): wake the waiters here and on the other nodes */
  notify(recipients: readonly string[], messageType: MessageType): void {
    this.wakeLocal(recipients, messageType);
    if (recipients.length > 0) this.relay?.publish(recipients, messageType);
  }

  /** wakes this node's waiters for `recipients` (a wake-up from another node) */
  wakeLocal(recipients: Iterable<string>, messageType: MessageType): void {
    const list = Array.isArray(recipients) ? (recipients as readonly string[]) : [...recipients];
    if (this.listeners.size > 0) this.tell(list, messageType);
    for (const r of list) {
      const set = this.waiters.get(key(r, messageType));
      if (!set) continue;
      for (const w of [...set]) w();
    }
  }

  /** wakes this node's waiters for one message type, whoever they wait for (too many recipients to name) */
  wakeType(messageType: MessageType): void {
    if (this.listeners.size > 0) this.tell(undefined, messageType);
    const prefix = `${messageType}\u0000`;
    for (const [k, set] of [...this.waiters]) if (k.startsWith(prefix)) for (const w of [...set]) w();
  }

  /** resolves when one of `recipients` gets something new, the timeout passes, or the signal aborts */
  wait(recipients: string[], messageType: MessageType, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted || timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const keys = recipients.map((r) => key(r, messageType));
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        for (const k of keys) {
          const set = this.waiters.get(k);
          set?.delete(done);
          if (set?.size === 0) this.waiters.delete(k);
        }
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      for (const k of keys) {
        const set = this.waiters.get(k) ?? new Set<Waiter>();
        set.add(done);
        this.waiters.set(k, set);
      }
    });
  }

  /** wakes every waiter (shutdown; a relay that may have missed wake-ups while disconnected) */
  wakeAll(): void {
    for (const set of [...this.waiters.values()]) for (const w of [...set]) w();
  }

  /** wakes every waiter and stops relaying (hub shutdown, before the store closes) */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    const relay = this.relay;
    this.relay = undefined;
    await relay?.close();
  }

  get waiting(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }
}

const key = (recipient: string, messageType: MessageType): string => `${messageType}\u0000${recipient}`;
