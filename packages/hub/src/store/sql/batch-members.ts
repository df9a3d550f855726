// What a SQLite group-commit batch (store/sqlite/group-commit.ts) keeps in memory between its
// transactions, for the shared queries of store/sql/ to find from the transaction they run on: the
// audit chain's head, the timeline events waiting to be inserted, the sequence counters. On any other
// transaction (PostgreSQL's, a lone one) there is no member and the queries run as they are.

import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';

/**
 * Something a batch's transactions keep in memory between them: told when each transaction starts and
 * when one is rolled back to its savepoint (to undo what that one added), and asked to write what it
 * holds before the batch's COMMIT (a failure there fails the batch). Gone with the batch.
 */
export interface BatchMember {
  itemStarted(): void;
  itemRolledBack(): void;
  beforeCommit(trx: Kysely<Database>): Promise<void>;
}

const batchMembers = new WeakMap<object, Map<string, BatchMember>>();

/** The members of the batch whose transaction is `trx`, registered as the batch starts. */
export function openBatchMembers(trx: Transaction<Database>): Map<string, BatchMember> {
  const members = new Map<string, BatchMember>();
  batchMembers.set(trx, members);
  return members;
}

/**
 * The member `name` of the group-commit batch whose transaction is `trx` (made by `make` when asked for
 * the first time), or undefined when `trx` is not such a batch's transaction.
 */
export function batchMember<M extends BatchMember>(trx: object, name: string, make: () => M): M | undefined {
  const members = batchMembers.get(trx);
  if (!members) return undefined;
  let m = members.get(name) as M | undefined;
  if (!m) {
    m = make();
    members.set(name, m);
  }
  return m;
}
