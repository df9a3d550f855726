// Signed receipts, one per accepted document.

import type { Kysely } from 'kysely';
import type { Database } from './database.js';

export async function insertReceipt(db: Kysely<Database>, docId: string, receipt: string, at: Date): Promise<string> {
  // RETURNING gives the row only when it was inserted: the stored receipt is read only if one was there
  const inserted = await db
    .insertInto('receipts')
    .values({ doc_id: docId, receipt, created_at: at.getTime() })
    .onConflict((oc) => oc.column('doc_id').doNothing())
    .returning('receipt')
    .executeTakeFirst();
  return inserted?.receipt ?? (await getReceipt(db, docId)) ?? receipt;
}

export async function getReceipt(db: Kysely<Database>, docId: string): Promise<string | undefined> {
  const r = await db.selectFrom('receipts').select('receipt').where('doc_id', '=', docId).executeTakeFirst();
  return r?.receipt;
}
