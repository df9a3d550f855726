// In-process wake-ups for long-polls: a commit that creates deliveries notifies their recipients.

import type { MessageType } from '../core/contract.js';

type Waiter = () => void;

export class InboxNotifier {
  private readonly waiters = new Map<string, Set<Waiter>>();

  notify(recipients: Iterable<string>, messageType: MessageType): void {
    for (const r of recipients) {
      const set = this.waiters.get(key(r, messageType));
      if (!set) continue;
      for (const w of [...set]) w();
    }
  }

  /** resolves when one of `recipients` gets something new, the timeout passes, or the signal aborts */
  wait(recipients: string[], messageType: MessageType, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || timeoutMs <= 0) return Promise.resolve();
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

  /** wakes every waiter (shutdown) */
  wakeAll(): void {
    for (const set of [...this.waiters.values()]) for (const w of [...set]) w();
  }

  get waiting(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }
}

const key = (recipient: string, messageType: MessageType): string => `${messageType}\u0000${recipient}`;
