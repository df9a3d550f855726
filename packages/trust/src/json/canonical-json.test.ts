import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson } from './canonical-json.js';

test('canonical JSON sorts keys at every level, drops undefined, keeps array order and Unicode', () => {
  assert.equal(
    canonicalJson({ b: [3, { z: 1, a: 'Đ' }], a: null, c: undefined, 'a\u00e9': true, A: 1.5 }),
    '{"A":1.5,"a":null,"aé":true,"b":[3,{"a":"Đ","z":1}]}',
  );
  assert.throws(() => canonicalJson({ x: Number.NaN }), /not canonical/);
  assert.throws(() => canonicalJson({ x: () => 1 }), /not canonical/);
});
