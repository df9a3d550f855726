import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { Base64FieldDecoder } from './base64-field-decoder.js';

async function decode(parts: string[]): Promise<{ bytes: Buffer; fields: Record<string, unknown> }> {
  const decoder = new Base64FieldDecoder('data');
  const chunks: Buffer[] = [];
  await pipeline(Readable.from(parts.map((p) => Buffer.from(p, 'utf8'))), decoder, async (source) => {
    for await (const c of source) chunks.push(c as Buffer);
  });
  return { bytes: Buffer.concat(chunks), fields: decoder.fields };
}

function split(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

test('decodes the data field across any chunking and keeps the other fields', async () => {
  const payload = randomBytes(5000);
  const json = JSON.stringify({
    status: 'OK',
    ErrorCode: '0',
    ErrorDesc: 'Thành công',
    data: payload.toString('base64'),
    n: 1,
  });
  for (const size of [1, 3, 7, 64, 100000]) {
    const { bytes, fields } = await decode(split(json, size));
    assert.ok(bytes.equals(payload), `chunk size ${size}`);
    assert.deepEqual(fields, { status: 'OK', ErrorCode: '0', ErrorDesc: 'Thành công', data: '', n: 1 });
  }
});

test('tolerates JSON escapes inside the base64 (\\/, \\u003d, \\r\\n line breaks)', async () => {
  const payload = Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0x3f]);
  const b64 = payload.toString('base64'); // "//79/D8="
  const escaped = b64.replaceAll('/', '\\/').replace('=', '\\u003d');
  const json = `{"data":"${escaped.slice(0, 4)}\\r\\n${escaped.slice(4)}","status":"OK"}`;
  const { bytes, fields } = await decode(split(json, 2));
  assert.ok(bytes.equals(payload));
  assert.equal(fields['status'], 'OK');
});

test('ignores a "data" key nested deeper or appearing as a value', async () => {
  const json = '{"x":{"data":"QUJD"},"y":"data","data":"REVG","status":"OK"}';
  const { bytes, fields } = await decode([json]);
  assert.equal(bytes.toString(), 'DEF');
  assert.deepEqual(fields['x'], { data: 'QUJD' });
});

test('a FAIL answer without data yields no bytes and its fields', async () => {
  const { bytes, fields } = await decode(['{"status":"FAIL","ErrorCode":"404","ErrorDesc":"not found"}']);
  assert.equal(bytes.length, 0);
  assert.equal(fields['ErrorCode'], '404');
});

test('an answer that is not JSON fails', async () => {
  await assert.rejects(decode(['<html>oops</html>']), /not JSON/);
});
