// Test support: `migrateEmbeddedStore` in a process of its own that SIGKILLs itself right after its Nth
// committed batch, as a crash or `kill -9` would stop it (no finally, no rollback by the client).
// argv: FROM TO TARGET_DATA_DIR BATCH_SIZE KILL_AFTER_BATCHES TMP_DIR

import { migrateEmbeddedStore } from './migrate-store.js';

const [from, to, targetDataDir, batchSize, killAfter, tmpDir] = process.argv.slice(2);
if (!from || !to || !targetDataDir || !batchSize || !killAfter || !tmpDir) {
  throw new Error('usage: FROM TO TARGET_DATA_DIR BATCH_SIZE KILL_AFTER_BATCHES TMP_DIR');
}
let batches = 0;
await migrateEmbeddedStore({
  from,
  to,
  targetDataDir,
  tmpDir,
  blobs: { backend: 'fs', s3: { region: 'us-east-1', forcePathStyle: true, prefix: '', partSizeMiB: 8 } },
  batchSize: Number(batchSize),
  onProgress: (e) => {
    if (e.kind === 'batch' && ++batches === Number(killAfter)) process.kill(process.pid, 'SIGKILL');
  },
});
process.stdout.write('finished\n');
