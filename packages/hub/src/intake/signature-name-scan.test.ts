import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignatureNameScan } from './signature-name-scan.js';

function scanInPieces(text: string, size: number): boolean {
  const scan = new SignatureNameScan();
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) scan.scan(bytes.subarray(i, i + size));
  return scan.found;
}

test('finds the name whatever the chunk boundaries, including one split across several chunks', () => {
  const text = `<edXML>${'x'.repeat(50)}<ds:Signature/>${'y'.repeat(50)}</edXML>`;
  for (const size of [1, 2, 3, 5, 8, 9, 10, 64, 4096])
    assert.equal(scanInPieces(text, size), true, `chunks of ${size}`);
  assert.equal(scanInPieces('Signature', 1), true);
});

test('does not find it where it is not (near misses included)', () => {
  const text = `<edXML>Signatur e SIGNATURE ignature Signatur</edXML>`;
  for (const size of [1, 2, 3, 5, 8, 9, 10, 4096]) assert.equal(scanInPieces(text, size), false, `chunks of ${size}`);
  assert.equal(new SignatureNameScan().found, false);
});
