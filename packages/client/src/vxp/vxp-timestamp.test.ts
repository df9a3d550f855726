import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatVxpDate, formatVxpTimestamp } from './vxp-timestamp.js';

test("timestamp: ddMMyyyy'T'HHmmss+SSSS in Vietnam time (vectors from java.text.SimpleDateFormat)", () => {
  assert.equal(formatVxpTimestamp(new Date(1700000000007)), '15112023T051320+0007');
  assert.equal(formatVxpTimestamp(new Date(1718812800123)), '19062024T230000+0123');
  // 23:30 UTC is already the next day in Vietnam
  assert.equal(formatVxpTimestamp(new Date('2024-12-31T23:30:00.999Z')), '01012025T063000+0999');
  assert.match(formatVxpTimestamp(), /^\d{8}T\d{6}\+\d{4}$/);
});

test('list filter dates: dd/MM/yyyy HH:mm:ss in Vietnam time', () => {
  assert.equal(formatVxpDate(new Date('2024-03-05T01:02:03Z')), '05/03/2024 08:02:03');
});
