import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextAttemptAt, retryDelayMs } from './webhook-backoff.js';

const policy = { initialDelayMs: 1000, maxDelayMs: 60_000 };

test('exponential, capped, with jitter between half and all of the step', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 7, 8, 100].map((n) => retryDelayMs(n, policy, () => 1)),
    [1000, 2000, 4000, 8000, 60_000, 60_000, 60_000],
  );
  assert.deepEqual(
    [1, 2, 3].map((n) => retryDelayMs(n, policy, () => 0)),
    [500, 1000, 2000],
  );
});

test('never past the horizon: the last attempt at the horizon, then a dead letter', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const expires = new Date(now.getTime() + 1500);
  assert.equal(nextAttemptAt(1, now, expires, policy, () => 1)?.getTime(), now.getTime() + 1000);
  assert.equal(nextAttemptAt(2, now, expires, policy, () => 1)?.getTime(), expires.getTime());
  assert.equal(nextAttemptAt(3, expires, expires, policy), undefined);
});
