import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spliceAt } from './open-package.js';

async function spliced(chunks: string[], offset: number): Promise<string> {
  const out: Buffer[] = [];
  async function* source() {
    for (const c of chunks) yield Buffer.from(c);
  }
  for await (const b of spliceAt(source(), offset, Buffer.from('<T/>'))) out.push(b);
  return Buffer.concat(out).toString();
}

test('spliceAt places the bytes at the offset wherever the chunks are cut', async () => {
  const whole = 'abcdefghij';
  for (let offset = 0; offset <= whole.length; offset++) {
    const expected = `${whole.slice(0, offset)}<T/>${whole.slice(offset)}`;
    assert.equal(await spliced([whole], offset), expected);
    assert.equal(await spliced(['abc', 'defg', 'hij'], offset), expected, `offset ${offset}`);
    assert.equal(await spliced(whole.split(''), offset), expected);
  }
  assert.equal(await spliced([], 0), '<T/>');
});
