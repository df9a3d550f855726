import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentBytesCache } from './recent-bytes-cache.js';

test('kept within the byte bound, least recently used out; too large for a sixteenth of it: never kept', () => {
  const cache = new RecentBytesCache(64);
  const four = (fill: number) => new Uint8Array(4).fill(fill);
  cache.keep('a', four(1));
  cache.keep('b', four(2));
  assert.equal(cache.peek('a')?.[0], 1);
  // 'a' was used last: filling the bound pushes 'b' out first
  for (let i = 0; i < 15; i++) cache.keep(`k${i}`, four(i));
  assert.equal(cache.size, 64);
  assert.equal(cache.peek('b'), undefined);
  assert.equal(cache.peek('a')?.[0], 1);
  cache.keep('big', new Uint8Array(5));
  assert.equal(cache.peek('big'), undefined);
  // keeping a key again does not count its bytes twice
  cache.keep('a', four(7));
  assert.equal(cache.size, 64);
  assert.equal(cache.peek('a')?.[0], 1);
});
