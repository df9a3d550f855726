// Background inspection of attachments: the queue (attachments.inspected_at IS NULL), the verdicts
// per content (attachment_inspections, attachment_signatures), and the PDF-signature statistics.

import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { AttachmentSignature, SignatureReason } from '../../core/contract.js';
import type { AttachmentInspectionRecord, UninspectedAttachment } from '../store.js';
import type { AttachmentSignaturesTable, Database } from './database.js';
import { limitSizeFor } from './literal-limits.js';
import { precompiled } from './precompiled.js';

function uninspected(db: Kysely<Database>, limit: number | RawBuilder<number>) {
  return db
    .selectFrom('attachments as a')
    .innerJoin('documents as d', 'd.doc_id', 'a.doc_id')
    .select(['a.doc_id', 'a.idx', 'a.sha256', 'a.blob_key', 'a.size'])
    .where('a.inspected_at', 'is', null)
    .orderBy('d.seq')
    .orderBy('a.idx')
    .limit(limit);
}

type UninspectedRow = { doc_id: string; idx: number; sha256: string; blob_key: string; size: number };
const toUninspected = (r: UninspectedRow): UninspectedAttachment => ({
  docId: r.doc_id,
  index: r.idx,
  sha256: r.sha256,
  blobKey: r.blob_key,
  size: r.size,
});

export async function listUninspectedAttachments(
  db: Kysely<Database>,
  limit: number,
): Promise<UninspectedAttachment[]> {
  // run after every commit that accepted a document: compiled once, with a literal limit (literal-limits.ts)
  const size = limitSizeFor(limit);
  const { rows } = await precompiled(db, `listUninspectedAttachments:${size}`, [], () =>
    uninspected(db, sql.lit(size)),
  );
  return rows.slice(0, limit).map(toUninspected);
}

/** counted through the partial index on the pending attachments (migration 004) */
export async function countUninspectedAttachments(db: Kysely<Database>): Promise<number> {
  const r = await db
    .selectFrom('attachments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('inspected_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * PostgreSQL, several hub nodes: the oldest uninspected attachments that no other transaction holds,
 * locked until this transaction (`db`) ends (`FOR UPDATE OF a SKIP LOCKED`): each node takes other work.
 */
export async function claimUninspectedAttachments(
  db: Kysely<Database>,
  limit: number,
): Promise<UninspectedAttachment[]> {
  return (await uninspected(db, limit).forUpdate('a').skipLocked().execute()).map(toUninspected);
}

export async function getAttachmentInspections(
  db: Kysely<Database>,
  sha256s: string[],
): Promise<AttachmentInspectionRecord[]> {
  if (sha256s.length === 0) return [];
  const [inspections, signatures] = await Promise.all([
    db.selectFrom('attachment_inspections').selectAll().where('sha256', 'in', sha256s).execute(),
    db
      .selectFrom('attachment_signatures')
      .selectAll()
      .where('sha256', 'in', sha256s)
      .orderBy('sha256')
      .orderBy('position')
      .execute(),
  ]);
  return inspections.map((r) => ({
    sha256: r.sha256,
    outcome: r.outcome as AttachmentInspectionRecord['outcome'],
    format: r.format as AttachmentInspectionRecord['format'],
    ...(r.entry_name === null ? {} : { entryName: r.entry_name }),
    reasons: JSON.parse(r.reasons) as SignatureReason[],
    checkedAt: new Date(r.checked_at),
    signatures: signatures.filter((s) => s.sha256 === r.sha256).map(toAttachmentSignature),
  }));
}

/**
 * Saves the verdicts of a batch of contents (a content whose verdict another process stored first keeps
 * that one) and marks every attachment with one of these contents inspected, at its content's check time:
 * three statements for the batch, whatever its size.
 */
export async function saveAttachmentInspections(
  db: Kysely<Database>,
  inspections: readonly AttachmentInspectionRecord[],
): Promise<void> {
  if (inspections.length === 0) return;
  const inserted = new Set(
    (
      await db
        .insertInto('attachment_inspections')
        .values(
          inspections.map((i) => ({
            sha256: i.sha256,
            outcome: i.outcome,
            format: i.format,
            entry_name: i.entryName ?? null,
            reasons: JSON.stringify(i.reasons),
            checked_at: i.checkedAt.getTime(),
          })),
        )
        .onConflict((oc) => oc.column('sha256').doNothing())
        .returning('sha256')
        .execute()
    ).map((r) => r.sha256),
  );
  const signatures = inspections
    .filter((i) => inserted.has(i.sha256))
    .flatMap((i) => i.signatures.map((s, position) => fromAttachmentSignature(i.sha256, position, s)));
  if (signatures.length > 0) await db.insertInto('attachment_signatures').values(signatures).execute();
  const checkedAt = sql<number>`case ${sql.ref('sha256')} ${sql.join(
    inspections.map((i) => sql`when ${i.sha256} then cast(${i.checkedAt.getTime()} as bigint)`),
    sql` `,
  )} end`;
  await db
    .updateTable('attachments')
    .set({ inspected_at: checkedAt })
    .where(
      'sha256',
      'in',
      inspections.map((i) => i.sha256),
    )
    .where('inspected_at', 'is', null)
    .execute();
}

/** Per sender: edoc documents with at least one valid PDF signature covering a whole attachment. */
export async function countPdfSignedBySender(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('documents as d')
    .where('d.message_type', '=', 'edoc')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('attachments as a')
          .innerJoin('attachment_signatures as s', 's.sha256', 'a.sha256')
          .select(sql`1`.as('one'))
          .whereRef('a.doc_id', '=', 'd.doc_id')
          .where('s.status', '=', 'valid')
          .where('s.covers_whole', '=', 1),
      ),
    )
    .groupBy('d.sender')
    .select((eb) => ['d.sender as sender', eb.fn.countAll<number>().as('n')])
    .execute();
  return new Map(rows.map((r) => [r.sender, Number(r.n)]));
}

function fromAttachmentSignature(sha256: string, position: number, s: AttachmentSignature): AttachmentSignaturesTable {
  return {
    sha256,
    position,
    status: s.status,
    sub_filter: s.subFilter ?? null,
    covers_whole: s.coversWholeDocument ? 1 : 0,
    signer_subject: s.signer?.subject ?? null,
    signer_issuer: s.signer?.issuer ?? null,
    signer_agency_code: s.signer?.agencyCode ?? null,
    signer_serial: s.signer?.serialNumber ?? null,
    signer_fingerprint: s.signer?.fingerprint256 ?? null,
    signing_time: s.signingTime?.getTime() ?? null,
    signing_time_source: s.signingTimeSource ?? null,
    algorithm: s.algorithm ?? null,
    digest_algorithm: s.digestAlgorithm ?? null,
    weak: s.weak ? 1 : 0,
    reasons: JSON.stringify(s.reasons),
  };
}

function toAttachmentSignature(r: AttachmentSignaturesTable): AttachmentSignature {
  const out: AttachmentSignature = {
    status: r.status as AttachmentSignature['status'],
    coversWholeDocument: r.covers_whole === 1,
    weak: r.weak === 1,
    reasons: JSON.parse(r.reasons) as SignatureReason[],
  };
  if (r.sub_filter !== null) out.subFilter = r.sub_filter;
  if (r.signer_subject !== null && r.signer_serial !== null && r.signer_fingerprint !== null) {
    out.signer = {
      subject: r.signer_subject,
      serialNumber: r.signer_serial,
      fingerprint256: r.signer_fingerprint,
      ...(r.signer_issuer === null ? {} : { issuer: r.signer_issuer }),
      ...(r.signer_agency_code === null ? {} : { agencyCode: r.signer_agency_code }),
    };
  }
  if (r.signing_time !== null) out.signingTime = new Date(r.signing_time);
  if (r.signing_time_source !== null) out.signingTimeSource = r.signing_time_source as 'cms' | 'pdf';
  if (r.algorithm !== null) out.algorithm = r.algorithm;
  if (r.digest_algorithm !== null) out.digestAlgorithm = r.digest_algorithm;
  return out;
}
