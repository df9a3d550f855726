import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WriteBehind } from './write-behind.js';

/** a writer whose writes finish only when released, in any order the test chooses */
function heldWriter() {
  const written: string[] = [];
  const waiting: { chunk: string; release: (err?: Error) => void }[] = [];
  const writeOne = (chunk: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      const text = Buffer.from(chunk).toString();
      waiting.push({
        chunk: text,
        release: (err) => {
          if (err) return reject(err);
          written.push(text);
          resolve();
        },
      });
    });
  return { written, waiting, writeOne };
}

const tick = () => new Promise((r) => setImmediate(r));

test('writes in order, one at a time, and accepts chunks until the window is full', async () => {
  const w = heldWriter();
  const wb = new WriteBehind(w.writeOne, 4);
  await wb.write(Buffer.from('ab'));
  await wb.write(Buffer.from('cd'));
  await tick();
  // 4 bytes in flight: accepted without waiting; only the first write has started
  assert.deepEqual(
    w.waiting.map((x) => x.chunk),
    ['ab'],
  );
  let accepted = false;
  const third = wb.write(Buffer.from('e')).then(() => {
    accepted = true;
  });
  await tick();
  assert.equal(accepted, false, 'over the window: waits for the oldest write');
  w.waiting.shift()!.release();
  await third;
  assert.equal(accepted, true);
  const flushed = wb.flush();
  await tick();
  w.waiting.shift()!.release();
  await tick();
  w.waiting.shift()!.release();
  await flushed;
  assert.deepEqual(w.written, ['ab', 'cd', 'e']);
});

test('a failed write fails the later ones and the flush, and stops writing', async () => {
  const w = heldWriter();
  const wb = new WriteBehind(w.writeOne, 100);
  await wb.write(Buffer.from('a'));
  await wb.write(Buffer.from('b'));
  await tick();
  w.waiting.shift()!.release(new Error('disk full'));
  await tick();
  await assert.rejects(wb.flush(), /disk full/);
  assert.deepEqual(w.waiting, [], 'nothing written after the failure');
  assert.deepEqual(w.written, []);
});

test('a failure seen when the window is full rejects that write', async () => {
  const w = heldWriter();
  const wb = new WriteBehind(w.writeOne, 1);
  await wb.write(Buffer.from('a'));
  const second = wb.write(Buffer.from('b'));
  await tick();
  w.waiting.shift()!.release(new Error('EIO'));
  await assert.rejects(second, /EIO/);
});
