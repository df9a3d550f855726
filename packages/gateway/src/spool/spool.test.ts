import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { newLocalId, Spool } from './spool.js';

test('the outgoing queue keeps its order and its states across a reopen; leftovers of a stop are swept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lt-spool-'));
  try {
    let spool = new Spool(dir);
    const ids = [newLocalId(), newLocalId(), newLocalId()];
    assert.deepEqual([...ids].sort(), ids, 'local ids sort in creation order');
    for (const localId of ids) {
      await writeFile(spool.outPath(localId), 'x');
      spool.enqueue({ localId, kind: 'edoc', origin: 'api', sourceSha256: 's', sha256: 'h', size: 1 });
    }
    spool.markFailed(spool.outgoing(ids[0]!)!.seq, 'refused');
    // a package file written but never queued, a temporary file, a fetched package never recorded
    await writeFile(spool.outPath(newLocalId()), 'orphan');
    await writeFile(join(spool.tmpDir, 'upload.edxml'), 'partial');
    await writeFile(spool.inPath('never-recorded'), 'x');
    spool.close();

    spool = new Spool(dir);
    assert.equal(spool.nextQueued()?.localId, ids[1]);
    assert.deepEqual(spool.queueState().queued, 2);
    assert.equal(spool.outgoing(ids[0]!)?.error, 'refused');
    assert.deepEqual((await readdir(spool.outDir)).sort(), ids.map((id) => `${id}.edxml`).sort());
    assert.deepEqual(await readdir(spool.tmpDir), []);
    assert.deepEqual(await readdir(spool.inDir), []);
    assert.throws(() => new Spool(dir), /in use by another gateway/);
    spool.markSent(spool.nextQueued()!.seq, { docId: 'D1', duplicate: false, receipt: 'r' });
    assert.equal(spool.nextQueued()?.localId, ids[2]);
    spool.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
