import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignInThrottle, SignInThrottled } from './sign-in-throttle.js';

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 21, 8, 0) + minutes * 60_000);

test('an address is locked after N failures within the window, for the lock time, then free again', () => {
  const t = new SignInThrottle({ threshold: 3, windowMinutes: 10, lockMinutes: 15 });
  assert.equal(t.failed('10.0.0.1', at(0)), undefined);
  assert.equal(t.failed('10.0.0.1', at(4)), undefined);
  assert.equal(t.lockedUntil('10.0.0.1', at(5)), undefined);
  assert.deepEqual(t.failed('10.0.0.1', at(9)), at(24));
  assert.deepEqual(t.lockedUntil('10.0.0.1', at(10)), at(24));
  assert.equal(t.lockedUntil('10.0.0.2', at(10)), undefined, 'other addresses are not affected');
  assert.equal(t.lockedUntil('10.0.0.1', at(24)), undefined, 'the lock ends');
  // the failures before the lock do not count again
  assert.equal(t.failed('10.0.0.1', at(25)), undefined);
});

test('failures older than the window are forgotten', () => {
  const t = new SignInThrottle({ threshold: 3, windowMinutes: 10, lockMinutes: 15 });
  t.failed('a', at(0));
  t.failed('a', at(5));
  assert.equal(t.failed('a', at(11)), undefined, 'the first failure left the window');
  assert.deepEqual(t.failed('a', at(12)), at(27));
});

test('at most maxAddresses are tracked: the stalest is dropped', () => {
  const t = new SignInThrottle({ threshold: 2, windowMinutes: 10, lockMinutes: 15, maxAddresses: 2 });
  t.failed('a', at(0));
  t.failed('b', at(1));
  t.failed('c', at(2));
  assert.equal(t.failed('a', at(3)), undefined, "a's first failure was dropped with it");
  assert.deepEqual(t.failed('c', at(3)), at(18));
});

test('the refusal says when to come back, in Vietnamese and English', () => {
  const e = new SignInThrottled(at(15), at(0.5));
  assert.equal(e.retryAfterSeconds, 14.5 * 60);
  assert.match(e.message, /thử lại sau 15 phút/);
  assert.match(e.message, /try again in 15 minutes/);
});
