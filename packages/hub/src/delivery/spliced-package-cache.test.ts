import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SplicedPackageCache, splicedPackageKey } from './spliced-package-cache.js';

test('a spliced package is made once per key and kept within the byte bound, least recently used out', () => {
  const cache = new SplicedPackageCache(64);
  let made = 0;
  const make = (fill: number) => () => {
    made++;
    return Buffer.alloc(4, fill);
  };
  const a = cache.get('a', make(1));
  assert.equal(cache.get('a', make(9)), a, 'kept: the same bytes, not made again');
  assert.equal(made, 1);
  for (let i = 0; i < 16; i++) cache.get(`k${i}`, make(i));
  assert.ok(cache.size <= 64);
  assert.equal(cache.get('a', make(2))[0], 2, 'the oldest went first');
  // larger than a sixteenth of the bound: made every time, never kept
  const big = () => {
    made++;
    return Buffer.alloc(5);
  };
  const before = made;
  cache.get('big', big);
  cache.get('big', big);
  assert.equal(made, before + 2);
});

test('the key names the blob, its range, the TraceHeader and where it goes', () => {
  const keys = new Set([
    splicedPackageKey('b1', 0, 10, 5, '<T/>'),
    splicedPackageKey('b2', 0, 10, 5, '<T/>'),
    splicedPackageKey('b1', 1, 10, 5, '<T/>'),
    splicedPackageKey('b1', 0, 11, 5, '<T/>'),
    splicedPackageKey('b1', 0, 10, 6, '<T/>'),
    splicedPackageKey('b1', 0, 10, 5, '<U/>'),
  ]);
  assert.equal(keys.size, 6);
});

test('peek: the kept bytes without making them, and nothing for a key not kept', () => {
  const cache = new SplicedPackageCache(1024);
  assert.equal(cache.peek('k'), undefined);
  const made = cache.get('k', () => Buffer.from('spliced'));
  assert.equal(cache.peek('k'), made);
  assert.equal(cache.peek('other'), undefined);
});
