import { type Kysely, sql } from 'kysely';
import type { Migration } from '../../sql/migrator.js';

type ColumnType = 'text' | 'integer' | 'bigint' | ReturnType<typeof sql>;

/**
 * The operator console's statistics (console/ops): pre-aggregated figures the dashboard reads instead of
 * counting documents, folded by the background aggregator (console/ops/stats-aggregator.ts) from
 * `documents`/`deliveries` in `seq` order, with its cursor in `stats_cursor`; the folded subject a
 * document search matches accent-insensitively; when agencies were last seen; and indexes for the
 * console's searches and the overdue-acknowledgement query.
 */
export function consoleStatsMigration(types: { text: ColumnType; int: ColumnType; big: ColumnType }): Migration {
  const { text, int, big } = types;
  return {
    version: 10,
    name: 'console-stats',
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('stats_cursor')
        .addColumn('name', text as 'text', (c) => c.primaryKey())
        .addColumn('value', big as 'integer', (c) => c.notNull())
        .execute();
      await sql`INSERT INTO stats_cursor (name, value) VALUES ('documents', 0)`.execute(db);

      // day: yyyymmdd in Vietnam time; direction: sent (by agency_code) | received (a delivery to it)
      await db.schema
        .createTable('stats_daily')
        .addColumn('day', int as 'integer', (c) => c.notNull())
        .addColumn('agency_code', text as 'text', (c) => c.notNull())
        .addColumn('direction', text as 'text', (c) => c.notNull())
        .addColumn('message_type', text as 'text', (c) => c.notNull())
        .addColumn('signed_valid', int as 'integer', (c) => c.notNull())
        .addColumn('level', int as 'integer', (c) => c.notNull())
        .addColumn('count', big as 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('stats_daily_pk', ['day', 'agency_code', 'direction', 'message_type', 'signed_valid'])
        .execute();
      await db.schema.createIndex('stats_daily_agency').on('stats_daily').columns(['agency_code', 'day']).execute();
      // the same per month (yyyymm): a year's dashboard reads 12 months instead of 365 days
      await db.schema
        .createTable('stats_monthly')
        .addColumn('month', int as 'integer', (c) => c.notNull())
        .addColumn('agency_code', text as 'text', (c) => c.notNull())
        .addColumn('direction', text as 'text', (c) => c.notNull())
        .addColumn('message_type', text as 'text', (c) => c.notNull())
        .addColumn('signed_valid', int as 'integer', (c) => c.notNull())
        .addColumn('level', int as 'integer', (c) => c.notNull())
        .addColumn('count', big as 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('stats_monthly_pk', [
          'month',
          'agency_code',
          'direction',
          'message_type',
          'signed_valid',
        ])
        .execute();

      await db.schema
        .createTable('stats_status_codes')
        .addColumn('agency_code', text as 'text', (c) => c.notNull())
        .addColumn('status_code', text as 'text', (c) => c.notNull())
        .addColumn('count', big as 'integer', (c) => c.notNull())
        .addColumn('first_at', big as 'integer', (c) => c.notNull())
        .addColumn('last_at', big as 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('stats_status_codes_pk', ['agency_code', 'status_code'])
        .execute();

      await db.schema
        .createTable('agency_last_seen')
        .addColumn('agency_code', text as 'text', (c) => c.primaryKey())
        .addColumn('last_seen_at', big as 'integer', (c) => c.notNull())
        .execute();

      // subject_folded: lower case, without diacritics (đ → d), for accent-insensitive search
      await db.schema
        .createTable('document_search')
        .addColumn('seq', big as 'integer', (c) => c.primaryKey())
        .addColumn('doc_id', text as 'text', (c) => c.notNull())
        .addColumn('subject_folded', text as 'text', (c) => c.notNull())
        .execute();

      await db.schema.createIndex('documents_code_number').on('documents').columns(['code_number', 'seq']).execute();
      await db.schema.createIndex('documents_accepted_at').on('documents').column('accepted_at').execute();
      await db.schema
        .createIndex('deliveries_pending_created')
        .on('deliveries')
        .columns(['created_at'])
        .where(sql.ref('state'), '=', 'pending')
        .execute();
    },
  };
}

export const consoleStats: Migration = consoleStatsMigration({ text: 'text', int: 'integer', big: 'integer' });
