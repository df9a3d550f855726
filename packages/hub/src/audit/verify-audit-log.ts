// Proves the audit log intact from genesis: every hash recomputed from the stored canonical payloads,
// every link and id checked, every signed checkpoint verified and found on the chain. Otherwise names
// the first entry that is not as the hub wrote it, and how it was changed.

import { type CertificateInput, entryHash, GENESIS_HASH, verifyCheckpoint } from '@lienthong/trust';
import type { AuditRecord, StoreOps } from '../store/store.js';
import { scanAudit } from './audit-scan.js';
import { chainEntry } from './chain-entry.js';

export type AuditBreakKind =
  | 'edited' // the entry's content (payload or columns) no longer matches its hash
  | 'hash-mismatch' // the entry's stored hash was changed, its content was not
  | 'deleted' // ids missing, or an entry links to one that is gone
  | 'reordered' // an entry sits before the entry it links to
  | 'inserted' // entries that are not linked into the chain
  | 'rewritten' // a consistent chain that differs from a signed checkpoint (edited and re-hashed)
  | 'truncated' // entries a signed checkpoint vouches for are gone from the end
  | 'checkpoint-invalid'; // a checkpoint whose signature or content does not verify

export interface AuditBreak {
  /** the first entry (audit_log id) found broken; for a checkpoint problem, the entry it names */
  id: number;
  kind: AuditBreakKind;
  message: string;
  /** `rewritten`: one of these entries was changed (between two checkpoints) */
  range?: { from: number; to: number };
  /** the checkpoint (its seq) involved */
  checkpoint?: number;
}

export interface AuditVerdict {
  valid: boolean;
  entries: number;
  head?: { id: number; hash: string };
  checkpoints: { total: number; valid: number; latest?: { seq: number; at: string } };
  /** entries after the latest valid checkpoint: only the chain protects them */
  unanchored: number;
  broken?: AuditBreak;
}

export interface VerifyAuditOptions {
  /** roots the hub's certificate must chain to */
  anchors: readonly CertificateInput[];
  intermediates?: readonly CertificateInput[];
}

type AuditStore = Pick<StoreOps, 'listAudit' | 'listAuditCheckpoints'>;

export async function verifyAuditLog(store: AuditStore, opts: VerifyAuditOptions): Promise<AuditVerdict> {
  const { signed, problems, total } = await checkCheckpoints(store, opts);
  let prev: AuditRecord | undefined;
  let entries = 0;
  let lastMatched = 0;
  let chainBreak: AuditBreak | undefined;
  for await (const r of scanAudit(store)) {
    chainBreak = await checkEntry(store, prev, r);
    const cp = signed.get(r.id);
    if (!chainBreak && cp && cp.hash !== r.hash) {
      const from = lastMatched + 1;
      chainBreak = {
        id: from,
        kind: 'rewritten',
        range: { from, to: r.id },
        checkpoint: r.id,
        message: `entry ${r.id} differs from the hub's signed checkpoint of ${cp.at}: the chain was rewritten — one of entries ${from}..${r.id} was changed and the later hashes recomputed`,
      };
    }
    if (chainBreak) break;
    if (cp) lastMatched = r.id;
    prev = r;
    entries++;
  }
  const head = prev && { id: prev.id, hash: prev.hash };
  if (!chainBreak) {
    const beyond = [...signed.entries()].filter(([seq]) => seq > (head?.id ?? 0));
    if (beyond.length > 0) {
      const [seq, cp] = beyond[beyond.length - 1]!;
      const from = (head?.id ?? 0) + 1;
      problems.push({
        id: from,
        kind: 'truncated',
        checkpoint: seq,
        message: `entries ${from}..${seq} are missing: the hub's signed checkpoint of ${cp.at} vouches for entry ${seq}, the log ends at ${head?.id ?? 'nothing'}`,
      });
    }
  }
  const broken = [chainBreak, ...problems]
    .filter((b): b is AuditBreak => b !== undefined)
    .sort((a, b) => a.id - b.id)[0];
  const validSeqs = [...signed.keys()].filter((s) => s <= (head?.id ?? 0));
  const latestSeq = validSeqs.length > 0 ? Math.max(...validSeqs) : undefined;
  return {
    valid: broken === undefined,
    entries,
    ...(head ? { head } : {}),
    checkpoints: {
      total,
      valid: signed.size,
      ...(latestSeq !== undefined ? { latest: { seq: latestSeq, at: signed.get(latestSeq)!.at } } : {}),
    },
    unanchored: head ? head.id - (latestSeq ?? 0) : 0,
    ...(broken ? { broken } : {}),
  };
}

async function checkCheckpoints(store: AuditStore, opts: VerifyAuditOptions) {
  const signed = new Map<number, { hash: string; at: string }>();
  const problems: AuditBreak[] = [];
  const all = await store.listAuditCheckpoints();
  for (const c of all) {
    const v = await verifyCheckpoint(c.jws, opts.anchors, {
      ...(opts.intermediates ? { intermediates: opts.intermediates } : {}),
    });
    const invalid = (message: string) =>
      problems.push({ id: c.seq, kind: 'checkpoint-invalid', checkpoint: c.seq, message });
    if (!v.valid || !v.fields) {
      const why = v.reasons.filter((x) => x.severity !== 'note').map((x) => `${x.code}: ${x.message}`);
      invalid(`the checkpoint of entry ${c.seq} is not the hub's: ${why.join('; ') || 'it does not verify'}`);
    } else if (v.fields.seq !== c.seq || v.fields.hash !== c.hash) {
      invalid(`the checkpoint row of entry ${c.seq} differs from what the hub signed (entry ${v.fields.seq})`);
    } else {
      signed.set(c.seq, { hash: c.hash, at: v.fields.at });
    }
  }
  return { signed, problems, total: all.length };
}

async function checkEntry(
  store: AuditStore,
  prev: AuditRecord | undefined,
  r: AuditRecord,
): Promise<AuditBreak | undefined> {
  const expectedId = prev ? prev.id + 1 : 1;
  if (r.id !== expectedId) {
    const missing = r.id - 1 === expectedId ? `entry ${expectedId} is` : `entries ${expectedId}..${r.id - 1} are`;
    return { id: expectedId, kind: 'deleted', message: `${missing} missing: deleted from the log` };
  }
  if (r.prevHash !== (prev?.hash ?? GENESIS_HASH)) return classifyLink(store, r);
  let recomputed: string;
  try {
    recomputed = entryHash(r.prevHash, chainEntry(r.id, r.payload));
  } catch (e) {
    return { id: r.id, kind: 'edited', message: `entry ${r.id} is unreadable: ${(e as Error).message}` };
  }
  if (recomputed !== r.hash) {
    const [next] = await store.listAudit(r.id, 1);
    if (r.hash === '' || next?.prevHash === recomputed) {
      return {
        id: r.id,
        kind: 'hash-mismatch',
        message: `entry ${r.id}'s stored hash was changed (its content still matches the chain)`,
      };
    }
    return { id: r.id, kind: 'edited', message: `entry ${r.id} no longer matches its hash: its content was edited` };
  }
  const column = columnDiffering(r);
  if (column) {
    return {
      id: r.id,
      kind: 'edited',
      message: `entry ${r.id}'s ${column} column differs from its hashed payload: it was edited`,
    };
  }
  return undefined;
}

/** An entry whose link is wrong: find where the entry it links to is now, in a second pass. */
async function classifyLink(store: AuditStore, r: AuditRecord): Promise<AuditBreak> {
  let linked: number | undefined;
  let copyOf: number | undefined;
  for await (const x of scanAudit(store)) {
    if (x.hash === r.prevHash && linked === undefined) linked = x.id;
    if (x.id < r.id && x.hash === r.hash && copyOf === undefined) copyOf = x.id;
  }
  if (copyOf !== undefined) {
    return { id: r.id, kind: 'inserted', message: `entry ${r.id} is a copy of entry ${copyOf}: it was inserted` };
  }
  if (linked !== undefined && linked > r.id) {
    return {
      id: r.id,
      kind: 'reordered',
      message: `entry ${r.id} follows entry ${linked} in the chain: entries were reordered`,
    };
  }
  if (linked !== undefined && linked < r.id - 1) {
    const range = linked + 1 === r.id - 1 ? `entry ${linked + 1} is` : `entries ${linked + 1}..${r.id - 1} are`;
    return {
      id: linked + 1,
      kind: 'inserted',
      message: `${range} not in the chain (entry ${r.id} follows entry ${linked}): inserted`,
    };
  }
  return {
    id: r.id,
    kind: 'deleted',
    message: `entry ${r.id} links to an entry that is no longer in the log: entries before it were deleted and the ids renumbered`,
  };
}

function columnDiffering(r: AuditRecord): string | undefined {
  const p = JSON.parse(r.payload) as Record<string, unknown>;
  const same = (a: unknown, b: unknown) => (a ?? undefined) === (b ?? undefined);
  if (p.at !== r.at.toISOString()) return 'at';
  if (!same(p.actor, r.actor)) return 'actor';
  if (!same(p.action, r.action)) return 'action';
  if (!same(p.subject, r.subject)) return 'subject';
  if (!same(p.outcome, r.outcome)) return 'outcome';
  if (!same(p.reason, r.reason)) return 'reason';
  if (!same(p.requestId, r.requestId)) return 'request_id';
  return undefined;
}
