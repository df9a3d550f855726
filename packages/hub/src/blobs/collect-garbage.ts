// Reclaims blob files no row references: left by a crash between a blob's rename into place and the
// commit of the transaction that references it, or by an intake refused after its blobs were moved.

import { recordAudit } from '../audit/audit-trail.js';
import type { HubContext } from '../core/hub-context.js';
import type { StoredFile } from './blob-store.js';

export interface GcOptions {
  /** only files older than this are candidates (default 3600) */
  minAgeSeconds?: number;
  /** count the orphans, delete nothing */
  dryRun?: boolean;
  /** who runs it, for the audit trail: 'admin' (default) or 'hub' (the start-up run) */
  actor?: string;
  /** checked between files: stop early (the hub is closing) */
  stopped?: () => boolean;
}

export interface GcReport {
  /** blob files looked at */
  scanned: number;
  /** unreferenced files older than the age guard */
  orphans: number;
  /** their bytes */
  orphanBytes: number;
  removed: number;
  bytesFreed: number;
  dryRun: boolean;
}

const BATCH = 500;

export async function collectGarbage(ctx: HubContext, opts: GcOptions = {}): Promise<GcReport> {
  const minAgeSeconds = opts.minAgeSeconds ?? 3600;
  const dryRun = Boolean(opts.dryRun);
  // The age guard is what makes collecting safe while the hub accepts documents: an intake renames its
  // blob files into place milliseconds before the transaction that references them commits (and a
  // commit that finds its blob already there refreshes the file's time), so an unreferenced file
  // younger than the guard may be about to be referenced, while one older than it cannot be.
  const cutoff = new Date(Date.now() - minAgeSeconds * 1000);
  const report: GcReport = { scanned: 0, orphans: 0, orphanBytes: 0, removed: 0, bytesFreed: 0, dryRun };

  let batch: StoredFile[] = [];
  const flush = async (): Promise<void> => {
    const referenced = await ctx.store.referencedBlobKeys(batch.map((f) => f.key));
    for (const f of batch) {
      if (referenced.has(f.key)) continue;
      report.orphans++;
      report.orphanBytes += f.size;
      if (dryRun) continue;
      const freed = await ctx.blobs.deleteFile(f.key, cutoff);
      if (freed === undefined) continue;
      report.removed++;
      report.bytesFreed += freed;
    }
    batch = [];
  };
  for await (const f of ctx.blobs.listFiles()) {
    if (opts.stopped?.()) break;
    report.scanned++;
    if (f.modifiedAt.getTime() >= cutoff.getTime()) continue;
    batch.push(f);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0 && !opts.stopped?.()) await flush();

  if (report.removed > 0) {
    await recordAudit(ctx.store, {
      actor: opts.actor ?? 'admin',
      action: 'gc',
      details: { scanned: report.scanned, removed: report.removed, bytesFreed: report.bytesFreed, minAgeSeconds },
    });
  }
  return report;
}
