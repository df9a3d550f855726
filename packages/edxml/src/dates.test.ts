import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatDate,
  formatTimestamp,
  normalizeDate,
  normalizeTimestamp,
  parseLenientDate,
  toInstant,
} from './dates.js';

test('the three date forms producers send normalise to yyyy/MM/dd', () => {
  assert.deepEqual(normalizeDate('2020/10/30'), { ok: true, value: '2020/10/30', changed: false });
  assert.deepEqual(normalizeDate('30/10/2020'), { ok: true, value: '2020/10/30', changed: true });
  assert.deepEqual(normalizeDate('2020-10-30'), { ok: true, value: '2020/10/30', changed: true });
  assert.deepEqual(normalizeDate('1/2/2021'), { ok: true, value: '2021/02/01', changed: true });
});

test('timestamps keep their time; a bare date becomes midnight', () => {
  assert.deepEqual(normalizeTimestamp('2015/09/20 11:08:36'), {
    ok: true,
    value: '2015/09/20 11:08:36',
    changed: false,
  });
  assert.deepEqual(normalizeTimestamp('20/09/2015 11:08:36'), {
    ok: true,
    value: '2015/09/20 11:08:36',
    changed: true,
  });
  assert.deepEqual(normalizeTimestamp('2015-09-20T11:08'), { ok: true, value: '2015/09/20 11:08:00', changed: true });
  assert.deepEqual(normalizeTimestamp('2015/09/20'), { ok: true, value: '2015/09/20 00:00:00', changed: true });
});

test('impossible and unreadable dates are reported, not thrown', () => {
  const feb30 = parseLenientDate('2014/02/30');
  assert.equal(feb30.ok, false);
  assert.match(!feb30.ok ? feb30.reason : '', /impossible date "2014\/02\/30"/);
  assert.equal(parseLenientDate('2016/02/29').ok, true);
  assert.equal(parseLenientDate('2015/02/29').ok, false);
  assert.equal(parseLenientDate('2015/13/01').ok, false);
  assert.equal(parseLenientDate('2015/01/01 25:00:00').ok, false);
  assert.equal(parseLenientDate('yesterday').ok, false);
  assert.equal(parseLenientDate('').ok, false);
});

test('formatting is in Vietnam time (UTC+7)', () => {
  const instant = new Date('2024-12-31T17:30:05Z');
  assert.equal(formatTimestamp(instant), '2025/01/01 00:30:05');
  assert.equal(formatDate(instant), '2025/01/01');
  assert.equal(toInstant('2025/01/01 00:30:05')?.toISOString(), '2024-12-31T17:30:05.000Z');
  assert.equal(toInstant('2014/02/30'), undefined);
});
