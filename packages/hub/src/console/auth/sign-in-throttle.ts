// Sign-in lock-out per client address, beside the per-account lock-out of console-accounts.ts: an address
// that fails `threshold` sign-ins within `windowMinutes` (whatever the usernames: guessing across accounts
// included) is refused for `lockMinutes` with 429 and Retry-After, before any password is checked. Kept in
// the hub process's memory (each node of a multi-node hub counts on its own; a restart forgets), bounded:
// at most `maxAddresses` addresses are tracked, the stalest dropped first. A successful sign-in does not
// clear an address's failures (one valid account must not reset a guessing run).

export interface SignInThrottleOptions {
  threshold: number;
  windowMinutes: number;
  lockMinutes: number;
  maxAddresses?: number;
}

interface AddressState {
  /** times of the failures inside the window, oldest first */
  failures: number[];
  lockedUntil?: number;
}

export class SignInThrottle {
  private readonly addresses = new Map<string, AddressState>();
  private readonly maxAddresses: number;

  constructor(private readonly opts: SignInThrottleOptions) {
    this.maxAddresses = opts.maxAddresses ?? 10_000;
  }

  /** until when the address is refused, if it is */
  lockedUntil(ip: string, at: Date): Date | undefined {
    const s = this.addresses.get(ip);
    if (!s?.lockedUntil) return undefined;
    if (s.lockedUntil > at.getTime()) return new Date(s.lockedUntil);
    this.addresses.delete(ip);
    return undefined;
  }

  /** Counts a failed sign-in; returns the lock's end when this failure locks the address. */
  failed(ip: string, at: Date): Date | undefined {
    const now = at.getTime();
    const since = now - this.opts.windowMinutes * 60_000;
    let s = this.addresses.get(ip);
    if (s)
      this.addresses.delete(ip); // re-inserted below: the map's order is least recently failed first
    else s = { failures: [] };
    s.failures = s.failures.filter((t) => t > since);
    s.failures.push(now);
    let locked: Date | undefined;
    if (s.failures.length >= this.opts.threshold) {
      s.lockedUntil = now + this.opts.lockMinutes * 60_000;
      s.failures = [];
      locked = new Date(s.lockedUntil);
    }
    this.addresses.set(ip, s);
    while (this.addresses.size > this.maxAddresses) {
      const oldest = this.addresses.keys().next().value;
      if (oldest === undefined) break;
      this.addresses.delete(oldest);
    }
    return locked;
  }
}

/** Thrown by a sign-in from a locked address: answered 429 with Retry-After (session-routes.ts). */
export class SignInThrottled extends Error {
  readonly retryAfterSeconds: number;
  constructor(
    readonly until: Date,
    at: Date,
  ) {
    const minutes = Math.max(1, Math.ceil((until.getTime() - at.getTime()) / 60_000));
    super(
      `Quá nhiều lần đăng nhập không thành công từ địa chỉ này; vui lòng thử lại sau ${minutes} phút. ` +
        `Too many failed sign-ins from this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    );
    this.name = 'SignInThrottled';
    this.retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - at.getTime()) / 1000));
  }
}
