import type { Kysely } from 'kysely';
import type { Migration } from '../../sql/migrator.js';

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
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      // scrypt$N$r$p$salt$hash (base64url)
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('agency_code', 'text')
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failed_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'integer')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('console_sessions')
      // lowercase hex SHA-256 of the cookie's random 32 bytes: a stolen database row opens no session
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .addColumn('last_seen_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('console_sessions_account').on('console_sessions').column('account_id').execute();
    await db.schema
      .createTable('console_reads')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('doc_id', 'text', (c) => c.notNull())
      .addColumn('read_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('console_reads_pk', ['account_id', 'doc_id'])
      .execute();
    await db.schema
      .createTable('agency_signing_keys')
      .addColumn('agency_code', 'text', (c) => c.primaryKey())
      // PKCS#8 PEM sealed with the master key (directory/secret-sealer.ts), context `signing-key:<code>`
      .addColumn('key_sealed', 'text', (c) => c.notNull())
      // PEM: the agency's certificate, then its chain
      .addColumn('certificate', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();
  },
};
