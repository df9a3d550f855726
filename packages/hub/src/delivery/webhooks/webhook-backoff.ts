// When a failed notification is tried again: exponential back-off with jitter, capped, and never past
// the give-up horizon (the last attempt is made at the horizon itself).

export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * The delay after the `attempts`-th failed attempt (1 = the first): initial × 2^(attempts−1), capped at
 * maxDelayMs, then "equal jitter" (between half of it and all of it), so that notifications failing
 * together (one receiver down) do not come back together.
 */
export function retryDelayMs(attempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/** The next attempt's time after a failure at `now`, or undefined when the horizon has passed: a dead letter. */
export function nextAttemptAt(
  attempts: number,
  now: Date,
  expiresAt: Date,
  policy: BackoffPolicy,
  random?: () => number,
): Date | undefined {
  if (now.getTime() >= expiresAt.getTime()) return undefined;
  return new Date(Math.min(now.getTime() + retryDelayMs(attempts, policy, random), expiresAt.getTime()));
}
