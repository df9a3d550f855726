// The audit hash chain's queries: the link to the previous entry, the head, signed checkpoints.

import { GENESIS_HASH } from '@lienthong/trust';
import type { Kysely } from 'kysely';
import type { AuditCheckpointRecord } from '../store.js';
import type { AuditCheckpointsTable, Database } from './database.js';

/**
 * The hash the entry `id` links to. Normally entry id-1's; if entries were deleted from the file, the
 * newest one left, so the hub keeps working and `audit verify` names the gap.
 */
export async function previousAuditHash(db: Kysely<Database>, id: number): Promise<string> {
  const prev = await db
    .selectFrom('audit_log')
    .select('hash')
    .where('id', '<', id)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return prev?.hash ?? GENESIS_HASH;
}

export async function auditHead(db: Kysely<Database>): Promise<{ id: number; hash: string } | undefined> {
  const r = await db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r && { id: r.id, hash: r.hash ?? '' };
}

export async function insertAuditCheckpoint(db: Kysely<Database>, c: AuditCheckpointRecord): Promise<void> {
  await db
    .insertInto('audit_checkpoints')
    .values({ seq: c.seq, hash: c.hash, at: c.at.getTime(), jws: c.jws })
    .onConflict((oc) => oc.column('seq').doNothing())
    .execute();
}

export async function listAuditCheckpoints(db: Kysely<Database>): Promise<AuditCheckpointRecord[]> {
  return (await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute()).map(toCheckpoint);
}

export async function latestAuditCheckpoint(db: Kysely<Database>): Promise<AuditCheckpointRecord | undefined> {
  const r = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return r && toCheckpoint(r);
}

function toCheckpoint(r: AuditCheckpointsTable): AuditCheckpointRecord {
  return { seq: r.seq, hash: r.hash, at: new Date(r.at), jws: r.jws };
}
