import type { Kysely, RawBuilder } from 'kysely';
import type { Migration } from '../../sql/migrator.js';

/** Column types of one backend (SQLite's here; PostgreSQL passes its own from pg-types.ts). */
export interface FederationColumnTypes {
  text: 'text' | RawBuilder<unknown>;
  big: 'integer' | 'bigint';
  int: 'integer';
}

/**
 * Federation (docs/protocols/federation.md): which hub serves each agency and through which link it is
 * reached; the durable outbox towards each linked hub; per-link directory cursors; where a package that
 * came over a link came from (so acknowledgements travel back); link messages already applied; per-link
 * delivery statistics.
 */
export function federationMigration(t: FederationColumnTypes): Migration {
  return {
    version: 8,
    name: 'federation',
    async up(db: Kysely<unknown>) {
      // NULL, NULL: served by this hub. Otherwise the serving hub and the linked hub it is reached through.
      await db.schema.alterTable('agencies').addColumn('served_by', t.text).execute();
      await db.schema.alterTable('agencies').addColumn('via_hub', t.text).execute();
      await db
        .insertInto('counters' as never)
        .values([{ name: 'federation_outbox_seq', value: 0 }] as never)
        .execute();

      await db.schema
        .createTable('federation_outbox')
        // from the counters table: handed out in commit order, the order of delivery per link
        .addColumn('seq', t.big, (c) => c.primaryKey())
        .addColumn('peer', t.text, (c) => c.notNull())
        .addColumn('kind', t.text, (c) => c.notNull())
        .addColumn('doc_id', t.text)
        .addColumn('recipients', t.text)
        .addColumn('payload', t.text)
        .addColumn('state', t.text, (c) => c.notNull())
        .addColumn('attempts', t.int, (c) => c.notNull())
        .addColumn('next_attempt_at', t.big, (c) => c.notNull())
        .addColumn('last_error', t.text)
        .addColumn('remote_doc_id', t.text)
        .addColumn('created_at', t.big, (c) => c.notNull())
        .addColumn('done_at', t.big)
        .execute();
      await db.schema
        .createIndex('federation_outbox_queue')
        .on('federation_outbox')
        .columns(['peer', 'state', 'seq'])
        .execute();

      await db.schema
        .createTable('federation_cursors')
        .addColumn('peer', t.text, (c) => c.primaryKey())
        .addColumn('version', t.big, (c) => c.notNull())
        .addColumn('updated_at', t.big, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('federation_inbound')
        .addColumn('doc_id', t.text, (c) => c.primaryKey().references('documents.doc_id'))
        .addColumn('peer', t.text, (c) => c.notNull())
        .addColumn('remote_doc_id', t.text, (c) => c.notNull())
        // JSON list of the hub ids the package went through before this hub (loop detection)
        .addColumn('path', t.text, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('federation_inbound_remote')
        .on('federation_inbound')
        .columns(['peer', 'remote_doc_id'])
        .unique()
        .execute();

      await db.schema
        .createTable('federation_seen')
        .addColumn('peer', t.text, (c) => c.notNull())
        .addColumn('message_id', t.text, (c) => c.notNull())
        .addColumn('at', t.big, (c) => c.notNull())
        .addPrimaryKeyConstraint('federation_seen_pk', ['peer', 'message_id'])
        .execute();

      // several hub nodes on one database: one node at a time forwards a link (in order)
      await db.schema
        .createTable('federation_leases')
        .addColumn('peer', t.text, (c) => c.primaryKey())
        .addColumn('holder', t.text, (c) => c.notNull())
        .addColumn('expires_at', t.big, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('federation_link_stats')
        .addColumn('peer', t.text, (c) => c.primaryKey())
        .addColumn('successes', t.big, (c) => c.notNull())
        .addColumn('failures', t.big, (c) => c.notNull())
        .addColumn('last_success_at', t.big)
        .addColumn('last_failure_at', t.big)
        .addColumn('last_error', t.text)
        .execute();
    },
  };
}

export const federation: Migration = federationMigration({ text: 'text', big: 'integer', int: 'integer' });
