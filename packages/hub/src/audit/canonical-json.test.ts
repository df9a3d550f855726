import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryHash, canonicalJson as trustCanonical } from '@lienthong/trust';
import type { AuditInput, StoreOps } from '../store/store.js';
import { recordAudit } from './audit-trail.js';
import { canonicalJson } from './canonical-json.js';
import { chainEntry, entryHashOfText } from './chain-entry.js';

test('canonical JSON sorts keys at every depth, drops undefined, writes dates as ISO', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [1, undefined, 'x'], c: undefined, at: new Date(0) } }),
    '{"a":{"at":"1970-01-01T00:00:00.000Z","d":[1,null,"x"]},"b":1}',
  );
});

test('recordAudit: the payload is canonical JSON and its chain text is what audit verification recomputes', async () => {
  const details: Array<Record<string, unknown> | undefined> = [
    undefined,
    { state: 'done', recipients: ['000.00.00.G22'] },
    { description: 'Đã nhận 😀 "trích" \\ \u2028', first: true, n: -0, big: 12n, nan: Number.NaN, inf: -Infinity },
    { 10: 'mười', 9: 'chín', seq: 'not the chain position', z: [undefined, () => 1, { y: 1, x: [new Date(1)] }] },
    { nested: { b: { d: 1, c: [1.5e-7, 1e21] }, a: null }, lone: '\ud800x' },
  ];
  let id = 41;
  for (const d of details) {
    const appended: AuditInput[] = [];
    const ops = {
      appendAudit: async (e: AuditInput) => {
        appended.push(e);
        return { ...e, id: 0, prevHash: '', hash: '' };
      },
    } as unknown as StoreOps;
    await recordAudit(ops, {
      actor: '000.00.00.G22',
      action: 'ack',
      subject: 'doc-1',
      ...(d ? { details: d } : {}),
      at: new Date(Date.UTC(2026, 10, 21)),
    });
    const e = appended[0]!;
    id++;
    const expected = trustCanonical(chainEntry(id, e.payload));
    assert.equal(e.chainText!(id), expected);
    assert.equal(e.payload, trustCanonical(JSON.parse(e.payload)), 'the payload is itself canonical');
    const prev = 'ab'.repeat(32);
    assert.equal(entryHashOfText(prev, e.chainText!(id)), entryHash(prev, chainEntry(id, e.payload)));
  }
});
