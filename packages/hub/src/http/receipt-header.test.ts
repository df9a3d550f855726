import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_RECEIPT_HEADER_BYTES, RECEIPT_HEADER, RECEIPT_LOCATION_HEADER, receiptHeaders } from './receipt-header.js';

test('a receipt travels in the header up to the limit, and by reference above it', () => {
  const small = 'a'.repeat(MAX_RECEIPT_HEADER_BYTES);
  assert.deepEqual(receiptHeaders('6b01', small), { [RECEIPT_HEADER]: small });
  const large = 'a'.repeat(MAX_RECEIPT_HEADER_BYTES + 1);
  assert.deepEqual(receiptHeaders('6b01', large), { [RECEIPT_LOCATION_HEADER]: '/v1/packages/6b01/receipt' });
});
