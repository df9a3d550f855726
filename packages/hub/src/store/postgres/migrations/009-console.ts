import type { Kysely } from 'kysely';
import type { Migration } from '../../sql/migrator.js';
import { BIGINT, INT, TEXT } from './pg-types.js';

/**
 * The web console (docs/console.md): operator and clerk accounts, their sessions, which documents each
 * clerk account has opened (the inbox's unread state), and the agencies' signing keys the console signs
 * composed documents with (sealed with the master key).
 */
export const consoleTables: Migration = {
  version: 9,
  name: 'console',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('console_accounts')
      .addColumn('id', TEXT, (c) => c.primaryKey())
      .addColumn('username', TEXT, (c) => c.notNull().unique())
      // scrypt$N$r$p$salt$hash (base64url)
      .addColumn('password_hash', TEXT, (c) => c.notNull())
      .addColumn('role', TEXT, (c) => c.notNull())
      .addColumn('agency_code', TEXT)
      .addColumn('display_name', TEXT, (c) => c.notNull())
      .addColumn('disabled', INT, (c) => c.notNull().defaultTo(0))
      .addColumn('failed_count', INT, (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', BIGINT)
      .addColumn('created_at', BIGINT, (c) => c.notNull())
      .addColumn('updated_at', BIGINT, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('console_sessions')
      // lowercase hex SHA-256 of the cookie's random 32 bytes: a stolen database row opens no session
      .addColumn('id', TEXT, (c) => c.primaryKey())
      .addColumn('account_id', TEXT, (c) => c.notNull())
      .addColumn('csrf_token', TEXT, (c) => c.notNull())
      .addColumn('created_at', BIGINT, (c) => c.notNull())
      .addColumn('expires_at', BIGINT, (c) => c.notNull())
      .addColumn('last_seen_at', BIGINT, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('console_sessions_account').on('console_sessions').column('account_id').execute();
    await db.schema
      .createTable('console_reads')
      .addColumn('account_id', TEXT, (c) => c.notNull())
      .addColumn('doc_id', TEXT, (c) => c.notNull())
      .addColumn('read_at', BIGINT, (c) => c.notNull())
      .addPrimaryKeyConstraint('console_reads_pk', ['account_id', 'doc_id'])
      .execute();
    await db.schema
      .createTable('agency_signing_keys')
      .addColumn('agency_code', TEXT, (c) => c.primaryKey())
      // PKCS#8 PEM sealed with the master key (directory/secret-sealer.ts), context `signing-key:<code>`
      .addColumn('key_sealed', TEXT, (c) => c.notNull())
      // PEM: the agency's certificate, then its chain
      .addColumn('certificate', TEXT, (c) => c.notNull())
      .addColumn('created_at', BIGINT, (c) => c.notNull())
      .execute();
  },
};
