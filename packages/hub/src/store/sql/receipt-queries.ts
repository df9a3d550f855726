// Signed receipts, one per accepted document.

import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { precompiled } from './precompiled.js';

export async function insertReceipt(db: Kysely<Database>, docId: string, receipt: string, at: Date): Promise<string> {
  // RETURNING gives the row only when it was inserted: the stored receipt is read only if one was there
  const { rows } = await precompiled(db, 'insertReceipt', [docId, receipt, at.getTime()], (slot) =>
    db
      .insertInto('receipts')
      .values({ doc_id: slot(0), receipt: slot(1), created_at: slot(2) })
      .onConflict((oc) => oc.column('doc_id').doNothing())
      .returning('receipt'),
  );
  return rows[0]?.receipt ?? (await getReceipt(db, docId)) ?? receipt;
}

export async function getReceipt(db: Kysely<Database>, docId: string): Promise<string | undefined> {
  const r = await db.selectFrom('receipts').select('receipt').where('doc_id', '=', docId).executeTakeFirst();
  return r?.receipt;
}
