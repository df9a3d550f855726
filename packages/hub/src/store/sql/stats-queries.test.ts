import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldText, splitPeriod, vietnamDay } from './stats-queries.js';

test('a period splits into whole months and the days around them', () => {
  assert.deepEqual(splitPeriod(20250101, 20251231), { days: [], months: [202501, 202512] });
  assert.deepEqual(splitPeriod(20251121, 20261121), {
    days: [
      [20251121, 20251130],
      [20261101, 20261121],
    ],
    months: [202512, 202610],
  });
  assert.deepEqual(splitPeriod(20240215, 20240229), { days: [[20240215, 20240229]] });
  assert.deepEqual(splitPeriod(20240201, 20240229), { days: [], months: [202402, 202402] });
  assert.deepEqual(splitPeriod(20240210, 20240305), { days: [[20240210, 20240305]] });
});

test('Vietnam days and folded text', () => {
  assert.equal(vietnamDay(Date.parse('2024-05-01T16:59:59Z')), 20240501);
  assert.equal(vietnamDay(Date.parse('2024-05-01T17:00:00Z')), 20240502);
  assert.equal(foldText('  Quyết ĐỊNH   về Đầu tư '), 'quyet dinh ve dau tu');
});
