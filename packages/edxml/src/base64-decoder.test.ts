import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Base64Decoder, Base64Error } from './base64-decoder.js';

function decodeInPieces(encoded: string, size: number): Buffer {
  const decoder = new Base64Decoder();
  const input = Buffer.from(encoded, 'latin1');
  const out: Buffer[] = [];
  for (let i = 0; i < input.length; i += size) out.push(decoder.write(input.subarray(i, i + size), i));
  out.push(decoder.end(input.length));
  return Buffer.concat(out);
}

test('decodes across any chunk boundary, skipping CRLF line breaks and spaces', () => {
  for (const length of [0, 1, 2, 3, 4, 5, 100, 1001]) {
    const bytes = randomBytes(length);
    const wrapped = bytes
      .toString('base64')
      .replace(/.{1,76}/g, '$&\r\n')
      .replace(/^/, '  ');
    for (const size of [1, 2, 3, 5, 7, 4096]) {
      assert.deepEqual(decodeInPieces(wrapped, size), bytes, `length ${length}, chunks of ${size}`);
    }
  }
});

test('accepts unpadded input', () => {
  assert.equal(decodeInPieces('YWI', 2).toString(), 'ab');
  assert.equal(decodeInPieces('YQ', 1).toString(), 'a');
});

test('refuses characters outside the alphabet with their offset', () => {
  assert.throws(
    () => decodeInPieces('QUJD*EVG', 3),
    (e: unknown) =>
      e instanceof Base64Error && e.offset === 4 && /invalid base64 character "\*" at offset 4/.test(e.message),
  );
  assert.throws(() => decodeInPieces('QUJD-_==', 8), /invalid base64 character "-"/);
});

test('refuses misplaced padding and a lone trailing character', () => {
  assert.throws(() => decodeInPieces('QU==QUJD', 8), /data after "=" padding/);
  assert.throws(() => decodeInPieces('Q===', 8), /misplaced "=" padding/);
  assert.throws(() => decodeInPieces('QUJ==', 8), /misplaced "=" padding/);
  assert.throws(() => decodeInPieces('QUJDQ', 8), /lone character/);
});
