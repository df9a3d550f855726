import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WriteBehind, writeChunks } from './write-behind.js';

/** a writer whose writes finish only when released, in any order the test chooses */
function heldWriter() {
  const written: string[] = [];
  const waiting: { chunks: string[]; release: (err?: Error) => void }[] = [];
  const writeMany = (chunks: Uint8Array[]) =>
    new Promise<void>((resolve, reject) => {
      const texts = chunks.map((c) => Buffer.from(c).toString());
      waiting.push({
        chunks: texts,
        release: (err) => {
          if (err) return reject(err);
          written.push(...texts);
          resolve();
        },
      });
    });
  return { written, waiting, writeMany };
}

const tick = () => new Promise((r) => setImmediate(r));

test('writes in order, one batch at a time: what arrives meanwhile goes down together; accepts chunks until the window is full', async () => {
  const w = heldWriter();
  const wb = new WriteBehind(w.writeMany, 4);
  await wb.write(Buffer.from('ab'));
  await wb.write(Buffer.from('cd'));
  await tick();
  // 4 bytes in flight: accepted without waiting; only the first write has started
  assert.deepEqual(
    w.waiting.map((x) => x.chunks),
    [['ab']],
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
  assert.deepEqual(
    w.waiting.map((x) => x.chunks),
    [['cd', 'e']],
    'the two chunks queued behind the first write are one batch',
  );
  w.waiting.shift()!.release();
  await flushed;
  assert.deepEqual(w.written, ['ab', 'cd', 'e']);
  assert.deepEqual(w.waiting, []);
});

test('a failed write fails the later ones and the flush, and stops writing', async () => {
  const w = heldWriter();
  const wb = new WriteBehind(w.writeMany, 100);
  await wb.write(Buffer.from('a'));
  await wb.write(Buffer.from('b'));
  await tick();
  w.waiting.shift()!.release(new Error('disk full'));
  await tick();
  await assert.rejects(wb.flush(), /disk full/);
  await assert.rejects(wb.write(Buffer.from('c')), /disk full/);
  assert.deepEqual(w.waiting, [], 'nothing written after the failure');
  assert.deepEqual(w.written, []);
});

test('a failure seen when the window is full rejects that write', async () => {
  const w = heldWriter();
  const wb = new WriteBehind(w.writeMany, 1);
  await wb.write(Buffer.from('a'));
  const second = wb.write(Buffer.from('b'));
  await tick();
  w.waiting.shift()!.release(new Error('EIO'));
  await assert.rejects(second, /EIO/);
});

test('writeChunks: one writeMany call where the temp has one, else the chunks one by one in order', async () => {
  const calls: string[] = [];
  const one = { write: async (c: Uint8Array) => void calls.push(`write ${Buffer.from(c)}`) };
  await writeChunks(one, [Buffer.from('x'), Buffer.from('y')]);
  const many = { ...one, writeMany: async (cs: Uint8Array[]) => void calls.push(`many ${cs.length}`) };
  await writeChunks(many, [Buffer.from('x'), Buffer.from('y')]);
  await writeChunks(many, [Buffer.from('z')]);
  assert.deepEqual(calls, ['write x', 'write y', 'many 2', 'write z']);
});
