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

/** entries verified between two turns of the event loop (≈ 20 µs each on this project's 2-core machine: ≈ 10 ms a page) */
const VERIFY_PAGE = 500;

function broken(headId: number, why: string | undefined): AuditChainBroken {
  return new AuditChainBroken(
    `not signing a checkpoint of audit entry ${headId}: ${why ?? 'the chain does not reach it'} (run \`lienthong audit verify\`)`,
  );
}

export async function checkpointAudit(
  ctx: Pick<HubContext, 'store' | 'pki'>,
  at = new Date(),
): Promise<AuditCheckpointRecord | undefined> {
  const head = await ctx.store.auditHead();
  if (!head) return undefined;
  const last = await ctx.store.latestAuditCheckpoint();
  if (last && last.seq >= head.id) return undefined;

  // from the last checkpointed entry itself, recomputed, to the head: a page at a time, each page linked to the
  // previous one's last hash, the event loop let go between pages (a busy hub appends hundreds of entries a
  // second: five minutes of them verified in one go would hold it for seconds, and all of them in memory)
  let after: { seq: number; hash: string } | undefined;
  let page: ChainRecord[] = [];
  const verifyPage = async (): Promise<void> => {
    const first = page[0];
    if (!first) return;
    // the first page starts at the checkpointed entry itself: its stored link is taken as given, and it must
    // hold that entry with the hash signed before
    const firstPage = after === undefined;
    after ??= last ? { seq: last.seq - 1, hash: first.prevHash } : { seq: 0, hash: GENESIS_HASH };
    const verdict = verifyChain(page, { after, ...(firstPage && last ? { checkpoint: last } : {}) });
    if (!verdict.valid || !verdict.head) throw broken(head.id, verdict.broken?.message);
    after = verdict.head;
    page = [];
    await new Promise((resolve) => setImmediate(resolve));
  };
  for await (const r of scanAudit(ctx.store, last ? last.seq - 1 : 0)) {
    if (r.id > head.id) break;
    page.push({ entry: chainEntry(r.id, r.payload), prevHash: r.prevHash, hash: r.hash });
    if (page.length >= VERIFY_PAGE) await verifyPage();
  }
  await verifyPage();
  if (after?.seq !== head.id) throw broken(head.id, undefined);
  const jws = signCheckpoint({ seq: head.id, hash: head.hash, at }, ctx.pki.hubKey, ctx.pki.hubChain);
  const checkpoint = { seq: head.id, hash: head.hash, at, jws };
  await ctx.store.insertAuditCheckpoint(checkpoint);
  return checkpoint;
}
