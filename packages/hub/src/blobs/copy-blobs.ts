// Copies every file blob of one BlobStore into another (e.g. an embedded deployment's files into an
// object store), verifying each: the bytes are re-hashed as they stream into the target, and a blob whose
// hash is not its key is reported and not stored. The core of `lienthong migrate-store`.

import type { BlobStore } from './blob-store.js';

export interface CopyBlobsReport {
  /** file blobs in the source */
  scanned: number;
  copied: number;
  copiedBytes: number;
  /** already in the target with the same size */
  present: number;
  /** keys whose bytes do not hash to the key (corrupt in the source): not copied */
  mismatched: string[];
}

export async function copyBlobs(
  from: BlobStore,
  to: BlobStore,
  opts: { onBlob?: (key: string, outcome: 'copied' | 'present' | 'mismatched') => void } = {},
): Promise<CopyBlobsReport> {
  const report: CopyBlobsReport = { scanned: 0, copied: 0, copiedBytes: 0, present: 0, mismatched: [] };
  for await (const f of from.listFiles()) {
    report.scanned++;
    if ((await to.size(f.key)) === f.size) {
      report.present++;
      opts.onBlob?.(f.key, 'present');
      continue;
    }
    const temp = await to.createTemp();
    try {
      for await (const chunk of await from.open(f.key)) await temp.write(chunk as Uint8Array);
      const { sha256, size } = await temp.finish();
      if (sha256 !== f.key) {
        await temp.abort();
        report.mismatched.push(f.key);
        opts.onBlob?.(f.key, 'mismatched');
        continue;
      }
      await temp.commit();
      report.copied++;
      report.copiedBytes += size;
      opts.onBlob?.(f.key, 'copied');
    } catch (err) {
      await temp.abort();
      throw err;
    }
  }
  return report;
}
