import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digestMatches } from './digest-match.js';

const sha = '0a0b00ff10' + 'ab'.repeat(27);

test('the full lowercase hex matches, in any case', () => {
  assert.ok(digestMatches(sha, sha));
  assert.ok(digestMatches(sha.toUpperCase(), sha));
});

test("the Java SDK's form (each byte's leading zero dropped) matches", () => {
  assert.ok(digestMatches('ab0ff10' + 'ab'.repeat(27), sha));
});

test('anything else does not', () => {
  assert.equal(digestMatches('ab0ff1' + 'ab'.repeat(27), sha), false);
  assert.equal(digestMatches('', sha), false);
});
