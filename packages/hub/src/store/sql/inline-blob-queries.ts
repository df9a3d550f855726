// Small blobs kept in the database (table inline_blobs, migration 005), written in the document's
// own transaction. Content-addressed: storing the same bytes twice keeps the first row.

import type { Kysely } from 'kysely';
import type { InlineBlob } from '../store.js';
import type { Database } from './database.js';
import { precompiled, slotRows } from './precompiled.js';

/** rows per INSERT: one statement for a package's blobs, bounded well below any backend's parameter limit */
const ROWS_PER_INSERT = 256;

export async function insertInlineBlobs(db: Kysely<Database>, blobs: InlineBlob[], at: Date): Promise<void> {
  for (let i = 0; i < blobs.length; i += ROWS_PER_INSERT) {
    const part = blobs.slice(i, i + ROWS_PER_INSERT);
    const args = part.flatMap((b) => [b.key, b.bytes.byteLength, Buffer.from(b.bytes), at.getTime()]);
    await precompiled(db, `insertInlineBlobs:${part.length}`, args, (slot) =>
      db
        .insertInto('inline_blobs')
        .values(slotRows(slot, ['key', 'size', 'bytes', 'created_at'], part.length))
        .onConflict((oc) => oc.column('key').doNothing()),
    );
  }
}

export async function getInlineBlob(db: Kysely<Database>, key: string): Promise<Uint8Array | undefined> {
  const { rows } = await precompiled(db, 'getInlineBlob', [key], (slot) =>
    db.selectFrom('inline_blobs').select('bytes').where('key', '=', slot(0)),
  );
  return rows[0]?.bytes;
}

export async function inlineBlobSize(db: Kysely<Database>, key: string): Promise<number | undefined> {
  const r = await db.selectFrom('inline_blobs').select('size').where('key', '=', key).executeTakeFirst();
  return r?.size;
}

export async function referencedBlobKeys(db: Kysely<Database>, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .selectFrom('documents')
    .select('blob_key')
    .where('blob_key', 'in', keys)
    .union(db.selectFrom('attachments').select('blob_key').where('blob_key', 'in', keys))
    .execute();
  return new Set(rows.map((r) => r.blob_key));
}
