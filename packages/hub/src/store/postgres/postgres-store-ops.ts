// The portable queries (store/sql) with what PostgreSQL's concurrency needs on top.

import { sql } from 'kysely';
import { SqlStoreOps } from '../sql/sql-store-ops.js';
import type { AuditInput, AuditRecord } from '../store.js';

export class PostgresStoreOps extends SqlStoreOps {
  /** several nodes claim webhook notifications at once: each takes rows the others do not hold */
  protected override readonly claimsSkipLocked: boolean = true;

  /**
   * Locks the audit counter in a statement of its own before the portable append runs. Under READ
   * COMMITTED each statement sees what was committed when it *started*: a statement that waited for
   * the counter's row lock (another node appending) would still not see that node's entry, so a link
   * read in the same statement as the counter update could name the entry before it and fork the chain.
   * Every statement after this one starts once the previous appender has committed.
   */
  override async appendAudit(e: AuditInput): Promise<AuditRecord> {
    await sql`SELECT value FROM counters WHERE name = 'audit_id' FOR UPDATE`.execute(this.db);
    return super.appendAudit(e);
  }
}
