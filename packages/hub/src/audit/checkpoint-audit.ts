// Signs the audit chain's head with the hub's key and stores it, when the head moved since the last
// checkpoint. A rewritten chain (entries edited and every later hash recomputed) no longer matches it.
// The entries since the previous checkpoint are verified first: the hub never vouches for a head that
// does not link back to what it signed before.

import { type ChainRecord, GENESIS_HASH, signCheckpoint, verifyChain } from '@lienthong/trust';
import type { HubContext } from '../core/hub-context.js';
import type { AuditCheckpointRecord } from '../store/store.js';
import { scanAudit } from './audit-scan.js';
import { chainEntry } from './chain-entry.js';

export class AuditChainBroken extends Error {
  override name = 'AuditChainBroken';
}

export async function checkpointAudit(
  ctx: Pick<HubContext, 'store' | 'pki'>,
  at = new Date(),
): Promise<AuditCheckpointRecord | undefined> {
  const head = await ctx.store.auditHead();
  if (!head) return undefined;
  const last = await ctx.store.latestAuditCheckpoint();
  if (last && last.seq >= head.id) return undefined;

  // from the last checkpointed entry itself, recomputed, to the head
  const records: ChainRecord[] = [];
  for await (const r of scanAudit(ctx.store, last ? last.seq - 1 : 0)) {
    if (r.id > head.id) break;
    records.push({ entry: chainEntry(r.id, r.payload), prevHash: r.prevHash, hash: r.hash });
  }
  const first = records[0];
  const after = last && first ? { seq: last.seq - 1, hash: first.prevHash } : { seq: 0, hash: GENESIS_HASH };
  const verdict = verifyChain(records, { after, ...(last ? { checkpoint: last } : {}) });
  if (!verdict.valid || verdict.head?.seq !== head.id) {
    throw new AuditChainBroken(
      `not signing a checkpoint of audit entry ${head.id}: ${verdict.broken?.message ?? 'the chain does not reach it'} (run \`lienthong audit verify\`)`,
    );
  }
  const jws = signCheckpoint({ seq: head.id, hash: head.hash, at }, ctx.pki.hubKey, ctx.pki.hubChain);
  const checkpoint = { seq: head.id, hash: head.hash, at, jws };
  await ctx.store.insertAuditCheckpoint(checkpoint);
  return checkpoint;
}
