import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type TestPki, testPki } from '../testing/dev-pki.js';
import { signCheckpoint, verifyCheckpoint } from './checkpoint.js';
import { appendRecord, type ChainRecord, entryHash, GENESIS_HASH } from './entry-hash.js';
import { verifyChain } from './verify-chain.js';

function chainOf(n: number): ChainRecord[] {
  const records: ChainRecord[] = [];
  for (let i = 0; i < n; i++)
    records.push(appendRecord(records[i - 1], { kind: 'submit', docId: `doc-${i}`, actor: '000.00.00.G22' }));
  return records;
}

let pki: TestPki;
before(async () => {
  pki = await testPki();
});

test('entryHash = SHA-256(prevHash bytes || canonical JSON), starting from 32 zero bytes', () => {
  const [first] = chainOf(1);
  assert.equal(first!.prevHash, GENESIS_HASH);
  assert.equal(first!.entry.seq, 0);
  // key order does not matter: the entry is hashed canonically
  assert.equal(
    entryHash(GENESIS_HASH, { seq: 0, kind: 'x', a: 1 }),
    entryHash(GENESIS_HASH, { a: 1, kind: 'x', seq: 0 }),
  );
  const chain = chainOf(5);
  assert.deepEqual(verifyChain(chain), { valid: true, length: 5, head: { seq: 4, hash: chain[4]!.hash } });
  assert.equal(verifyChain(chain.slice(2), { after: { seq: 1, hash: chain[1]!.hash } }).valid, true);
});

test('the first broken record is named: edited, deleted, reordered, inserted, truncated', () => {
  const chain = chainOf(8);
  const edited = chain.map((r, i) => (i === 3 ? { ...r, entry: { ...r.entry, docId: 'forged' } } : r));
  assert.deepEqual(pick(verifyChain(edited)), { index: 3, kind: 'edited' });
  // an edit with a recomputed hash breaks the next link instead
  const rehashed = [...chain];
  const forged = { ...chain[3]!.entry, docId: 'forged' };
  rehashed[3] = { entry: forged, prevHash: chain[3]!.prevHash, hash: entryHash(chain[3]!.prevHash, forged) };
  assert.deepEqual(pick(verifyChain(rehashed)), { index: 4, kind: 'edited' });

  assert.deepEqual(pick(verifyChain([...chain.slice(0, 3), ...chain.slice(5)])), { index: 3, kind: 'deleted' });
  const swapped = [...chain];
  [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
  assert.deepEqual(pick(verifyChain(swapped)), { index: 2, kind: 'reordered' });

  const intruder = appendRecord(chain[2], { kind: 'submit', docId: 'intruder', actor: 'x' });
  assert.deepEqual(pick(verifyChain([...chain.slice(0, 3), intruder, ...chain.slice(3)])), {
    index: 3,
    kind: 'inserted',
  });
  const duplicate = [...chain.slice(0, 4), chain[3]!, ...chain.slice(4)];
  assert.deepEqual(pick(verifyChain(duplicate)), { index: 4, kind: 'inserted' });

  const head = { seq: 7, hash: chain[7]!.hash };
  assert.deepEqual(pick(verifyChain(chain.slice(0, 6), { checkpoint: head })), { index: 6, kind: 'truncated' });
  assert.equal(verifyChain(chain, { checkpoint: head }).valid, true);
});

test('signed checkpoints of the head verify against the root and catch a rewritten chain', async () => {
  const chain = chainOf(4);
  const cp = signCheckpoint({ seq: 3, hash: chain[3]!.hash }, pki.hub.privateKey, [
    pki.hub.certificate,
    pki.intermediate.certificate,
  ]);
  const v = await verifyCheckpoint(cp, [pki.root.certificate]);
  assert.equal(v.valid, true, JSON.stringify(v.reasons));
  assert.deepEqual({ seq: v.fields?.seq, hash: v.fields?.hash }, { seq: 3, hash: chain[3]!.hash });
  // a whole chain rebuilt after an edit is internally consistent, but not with the checkpoint
  const rebuilt: ChainRecord[] = [];
  for (const r of chain)
    rebuilt.push(
      appendRecord(rebuilt[rebuilt.length - 1], { ...r.entry, docId: r.entry.seq === 1 ? 'forged' : r.entry.docId }),
    );
  assert.equal(verifyChain(rebuilt).valid, true);
  assert.equal(pick(verifyChain(rebuilt, { checkpoint: v.fields! })).kind, 'edited');
  assert.equal((await verifyCheckpoint(cp, [pki.agencyRsa.certificate])).valid, false);
  assert.equal((await verifyCheckpoint(cp.replace(/\.[^.]+$/, '.AAAA'), [pki.root.certificate])).valid, false);
});

function pick(v: ReturnType<typeof verifyChain>) {
  return { index: v.broken?.index, kind: v.broken?.kind };
}
