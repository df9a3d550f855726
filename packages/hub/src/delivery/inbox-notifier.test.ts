import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InboxNotifier } from './inbox-notifier.js';

/** 'woke' when `p` has resolved by the next turn of the event loop */
const settled = (p: Promise<void>) =>
  Promise.race([p.then(() => 'woke'), new Promise((resolve) => setImmediate(() => resolve('waiting')))]);

test('a long-poll wakes for its recipient and type only; at close every waiter wakes, and so does one that starts after', async () => {
  const notifier = new InboxNotifier();
  const mine = notifier.wait(['000.00.00.H41'], 'edoc', 60_000);
  const status = notifier.wait(['000.00.00.H41'], 'status', 60_000);
  notifier.notify(['000.00.00.G22'], 'edoc');
  assert.equal(await settled(mine), 'waiting', 'another recipient');
  notifier.notify(['000.00.00.H41'], 'edoc');
  assert.equal(await settled(mine), 'woke');
  assert.equal(await settled(status), 'waiting', 'another message type');
  await notifier.close();
  assert.equal(await settled(status), 'woke', 'woken by the shutdown');
  // a request that was still reading its inbox when the hub closed must not wait out its timeout
  const late = notifier.wait(['000.00.00.H41'], 'edoc', 60_000);
  assert.equal(notifier.waiting, 0);
  assert.equal(await settled(late), 'woke');
});
