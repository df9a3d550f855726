import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** attempts in total, including the first (default 3) */
  attempts: number;
  /** delay before the first retry in ms; doubles each time (default 200) */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 200 };

/** Run `fn` again while `retryable(err)` says so, with exponential backoff. */
export async function withRetry<T>(
  fn: () => Promise<T>,
  retryable: (err: unknown) => boolean,
  policy: RetryPolicy = DEFAULT_RETRY,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= policy.attempts || !retryable(err) || signal?.aborted) throw err;
      await sleep(policy.baseDelayMs * 2 ** (attempt - 1), undefined, { signal });
    }
  }
}
