// The console's tables (migration 009): accounts, sessions, read marks, agency signing keys.

import type { Kysely } from 'kysely';
import type {
  AgencySigningKeyRecord,
  ConsoleAccountPatch,
  ConsoleAccountRecord,
  ConsoleRole,
  ConsoleSessionRecord,
} from '../store.js';
import type { ConsoleAccountsTable, ConsoleSessionsTable, Database } from './database.js';

type Db = Kysely<Database>;

function toAccount(r: ConsoleAccountsTable): ConsoleAccountRecord {
  return {
    id: r.id,
    username: r.username,
    passwordHash: r.password_hash,
    role: r.role as ConsoleRole,
    ...(r.agency_code !== null ? { agencyCode: r.agency_code } : {}),
    displayName: r.display_name,
    disabled: Number(r.disabled) === 1,
    failedCount: Number(r.failed_count),
    ...(r.locked_until !== null ? { lockedUntil: new Date(Number(r.locked_until)) } : {}),
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
  };
}

function toSession(r: ConsoleSessionsTable): ConsoleSessionRecord {
  return {
    id: r.id,
    accountId: r.account_id,
    csrfToken: r.csrf_token,
    createdAt: new Date(Number(r.created_at)),
    expiresAt: new Date(Number(r.expires_at)),
    lastSeenAt: new Date(Number(r.last_seen_at)),
  };
}

export async function insertConsoleAccount(db: Db, a: ConsoleAccountRecord): Promise<void> {
  await db
    .insertInto('console_accounts')
    .values({
      id: a.id,
      username: a.username,
      password_hash: a.passwordHash,
      role: a.role,
      agency_code: a.agencyCode ?? null,
      display_name: a.displayName,
      disabled: a.disabled ? 1 : 0,
      failed_count: a.failedCount,
      locked_until: a.lockedUntil?.getTime() ?? null,
      created_at: a.createdAt.getTime(),
      updated_at: a.updatedAt.getTime(),
    })
    .execute();
}

export async function getConsoleAccount(db: Db, id: string): Promise<ConsoleAccountRecord | undefined> {
  const r = await db.selectFrom('console_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toAccount(r) : undefined;
}

export async function getConsoleAccountByUsername(db: Db, username: string): Promise<ConsoleAccountRecord | undefined> {
  const r = await db.selectFrom('console_accounts').selectAll().where('username', '=', username).executeTakeFirst();
  return r ? toAccount(r) : undefined;
}

export async function listConsoleAccounts(db: Db): Promise<ConsoleAccountRecord[]> {
  const rows = await db.selectFrom('console_accounts').selectAll().orderBy('username').execute();
  return rows.map(toAccount);
}

export async function updateConsoleAccount(db: Db, id: string, p: ConsoleAccountPatch): Promise<void> {
  await db
    .updateTable('console_accounts')
    .set({
      ...(p.passwordHash !== undefined ? { password_hash: p.passwordHash } : {}),
      ...(p.role !== undefined ? { role: p.role } : {}),
      ...(p.displayName !== undefined ? { display_name: p.displayName } : {}),
      ...(p.disabled !== undefined ? { disabled: p.disabled ? 1 : 0 } : {}),
      ...(p.failedCount !== undefined ? { failed_count: p.failedCount } : {}),
      ...(p.agencyCode !== undefined ? { agency_code: p.agencyCode } : {}),
      ...(p.lockedUntil !== undefined ? { locked_until: p.lockedUntil?.getTime() ?? null } : {}),
      updated_at: p.updatedAt.getTime(),
    })
    .where('id', '=', id)
    .execute();
}

export async function insertConsoleSession(db: Db, s: ConsoleSessionRecord): Promise<void> {
  await db
    .insertInto('console_sessions')
    .values({
      id: s.id,
      account_id: s.accountId,
      csrf_token: s.csrfToken,
      created_at: s.createdAt.getTime(),
      expires_at: s.expiresAt.getTime(),
      last_seen_at: s.lastSeenAt.getTime(),
    })
    .execute();
}

export async function getConsoleSession(db: Db, id: string): Promise<ConsoleSessionRecord | undefined> {
  const r = await db.selectFrom('console_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toSession(r) : undefined;
}

export async function touchConsoleSession(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('console_sessions').set({ last_seen_at: at.getTime() }).where('id', '=', id).execute();
}

export async function deleteConsoleSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('id', '=', id).execute();
}

export async function deleteConsoleSessionsOf(db: Db, accountId: string): Promise<number> {
  const r = await db.deleteFrom('console_sessions').where('account_id', '=', accountId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteExpiredConsoleSessions(db: Db, now: Date): Promise<number> {
  const r = await db.deleteFrom('console_sessions').where('expires_at', '<=', now.getTime()).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function markConsoleRead(db: Db, accountId: string, docIds: readonly string[], at: Date): Promise<void> {
  if (docIds.length === 0) return;
  await db
    .insertInto('console_reads')
    .values(docIds.map((d) => ({ account_id: accountId, doc_id: d, read_at: at.getTime() })))
    .onConflict((oc) => oc.columns(['account_id', 'doc_id']).doNothing())
    .execute();
}

export async function consoleReads(db: Db, accountId: string, docIds: readonly string[]): Promise<Set<string>> {
  if (docIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('console_reads')
    .select('doc_id')
    .where('account_id', '=', accountId)
    .where('doc_id', 'in', [...docIds])
    .execute();
  return new Set(rows.map((r) => r.doc_id));
}

export async function putAgencySigningKey(db: Db, k: AgencySigningKeyRecord): Promise<void> {
  const values = {
    agency_code: k.agencyCode,
    key_sealed: k.keySealed,
    certificate: k.certificate,
    created_at: k.createdAt.getTime(),
  };
  await db
    .insertInto('agency_signing_keys')
    .values(values)
    .onConflict((oc) =>
      oc.column('agency_code').doUpdateSet({
        key_sealed: values.key_sealed,
        certificate: values.certificate,
        created_at: values.created_at,
      }),
    )
    .execute();
}

export async function getAgencySigningKey(db: Db, agencyCode: string): Promise<AgencySigningKeyRecord | undefined> {
  const r = await db
    .selectFrom('agency_signing_keys')
    .selectAll()
    .where('agency_code', '=', agencyCode)
    .executeTakeFirst();
  return r
    ? {
        agencyCode: r.agency_code,
        keySealed: r.key_sealed,
        certificate: r.certificate,
        createdAt: new Date(Number(r.created_at)),
      }
    : undefined;
}
