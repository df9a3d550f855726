import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson } from './canonical-json.js';

test('canonical JSON sorts keys at every depth, drops undefined, writes dates as ISO', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [1, undefined, 'x'], c: undefined, at: new Date(0) } }),
    '{"a":{"at":"1970-01-01T00:00:00.000Z","d":[1,null,"x"]},"b":1}',
  );
});
