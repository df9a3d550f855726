import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRecallAnswer, isStatusCode, STATUS_CODES, statusCodeInfo } from './status-codes.js';

test('the status code table covers the regulation codes with both labels', () => {
  assert.deepEqual(
    STATUS_CODES.map((s) => s.code),
    ['01', '02', '03', '04', '05', '06', '13', '15', '16'],
  );
  for (const s of STATUS_CODES) {
    assert.ok(s.vi.length > 0 && s.en.length > 0, s.code);
  }
  assert.equal(statusCodeInfo('05')?.vi, 'Đang xử lý');
  assert.equal(statusCodeInfo('07'), undefined);
});

test('isStatusCode accepts only known two-digit codes', () => {
  assert.equal(isStatusCode('05'), true);
  assert.equal(isStatusCode('5'), false);
  assert.equal(isStatusCode('07'), false);
  assert.equal(isStatusCode(5), false);
});

test('15 and 16 are the answers to a recall', () => {
  assert.deepEqual(
    STATUS_CODES.filter((s) => isRecallAnswer(s.code)).map((s) => s.code),
    ['15', '16'],
  );
  assert.equal(isRecallAnswer('13'), false);
});
