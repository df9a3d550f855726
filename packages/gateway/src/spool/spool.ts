// One tenant's durable spool: an SQLite file (WAL, synchronous=FULL: a committed row survives a power cut)
// holding the outgoing queue and the record of what came in, beside the package files themselves
// (`out/<localId>.edxml`, the signed bytes exactly as they go to the hub; `in/<docId>.edxml`, as fetched).

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type OutgoingState = 'queued' | 'sent' | 'failed';
export type OutgoingKind = 'edoc' | 'status';

export interface OutgoingRow {
  seq: number;
  localId: string;
  kind: OutgoingKind;
  origin: 'folder' | 'api';
  /** the file name in the outbox folder, for packages handed over that way */
  sourceName?: string;
  /** SHA-256 of the package as handed over (before signing) */
  sourceSha256: string;
  /** SHA-256 and size of the signed package (what the hub receives) */
  sha256: string;
  size: number;
  documentId?: string;
  subject?: string;
  /** for a status: the DocId of the document it answers */
  responseForDocId?: string;
  state: OutgoingState;
  attempts: number;
  createdAt: string;
  lastAttemptAt?: string;
  sentAt?: string;
  docId?: string;
  /** the hub already had these exact bytes (a resubmission after a restart) */
  duplicate?: boolean;
  receipt?: string;
  error?: string;
}

export type IncomingState = 'stored' | 'delivered' | 'acked';
export type Placement = 'inbox' | 'statuses' | 'quarantine';

export interface IncomingRow {
  docId: string;
  messageType: 'edoc' | 'status';
  from: string;
  subject?: string;
  documentId?: string;
  statusCode?: string;
  responseForDocId?: string;
  sha256: string;
  size: number;
  verdict: string;
  placement: Placement;
  state: IncomingState;
  receivedAt: string;
  ackedAt?: string;
  handledAt?: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outgoing (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  local_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  origin TEXT NOT NULL,
  source_name TEXT,
  source_sha256 TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  document_id TEXT,
  subject TEXT,
  response_for_doc_id TEXT,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  last_attempt_at TEXT,
  sent_at TEXT,
  doc_id TEXT,
  duplicate INTEGER,
  receipt TEXT,
  error TEXT
);
CREATE INDEX IF NOT EXISTS outgoing_state ON outgoing(state, seq);
CREATE INDEX IF NOT EXISTS outgoing_source ON outgoing(origin, source_name, source_sha256);
CREATE TABLE IF NOT EXISTS incoming (
  doc_id TEXT PRIMARY KEY,
  message_type TEXT NOT NULL,
  from_agency TEXT NOT NULL,
  subject TEXT,
  document_id TEXT,
  status_code TEXT,
  response_for_doc_id TEXT,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  verdict TEXT NOT NULL,
  placement TEXT NOT NULL,
  state TEXT NOT NULL,
  received_at TEXT NOT NULL,
  acked_at TEXT,
  handled_at TEXT
);
CREATE INDEX IF NOT EXISTS incoming_received ON incoming(message_type, received_at);
`;

type Row = Record<string, unknown>;

/** sets `target[key]` to the row's `column` when the column holds a value (optional fields stay absent) */
function copyPresent<T extends object>(target: T, key: keyof T, r: Row, column: string): void {
  if (r[column] !== null && r[column] !== undefined) (target as unknown as Row)[key as string] = r[column];
}

function outgoingFrom(r: Row): OutgoingRow {
  const o: OutgoingRow = {
    seq: r['seq'] as number,
    localId: r['local_id'] as string,
    kind: r['kind'] as OutgoingKind,
    origin: r['origin'] as 'folder' | 'api',
    sourceSha256: r['source_sha256'] as string,
    sha256: r['sha256'] as string,
    size: r['size'] as number,
    state: r['state'] as OutgoingState,
    attempts: r['attempts'] as number,
    createdAt: r['created_at'] as string,
  };
  const opt = (key: keyof OutgoingRow, column: string) => copyPresent(o, key, r, column);
  opt('sourceName', 'source_name');
  opt('documentId', 'document_id');
  opt('subject', 'subject');
  opt('responseForDocId', 'response_for_doc_id');
  opt('lastAttemptAt', 'last_attempt_at');
  opt('sentAt', 'sent_at');
  opt('docId', 'doc_id');
  opt('receipt', 'receipt');
  opt('error', 'error');
  if (r['duplicate'] !== null) o.duplicate = r['duplicate'] === 1;
  return o;
}

function incomingFrom(r: Row): IncomingRow {
  const o: IncomingRow = {
    docId: r['doc_id'] as string,
    messageType: r['message_type'] as 'edoc' | 'status',
    from: r['from_agency'] as string,
    sha256: r['sha256'] as string,
    size: r['size'] as number,
    verdict: r['verdict'] as string,
    placement: r['placement'] as Placement,
    state: r['state'] as IncomingState,
    receivedAt: r['received_at'] as string,
  };
  const opt = (key: keyof IncomingRow, column: string) => copyPresent(o, key, r, column);
  opt('subject', 'subject');
  opt('documentId', 'document_id');
  opt('statusCode', 'status_code');
  opt('responseForDocId', 'response_for_doc_id');
  opt('ackedAt', 'acked_at');
  opt('handledAt', 'handled_at');
  return o;
}

let lastStamp = 0;

/** Sortable, unique local ids: the time in base 36, a counter-free random tail. */
export function newLocalId(): string {
  const now = Math.max(Date.now(), lastStamp + 1);
  lastStamp = now;
  return `${now.toString(36).padStart(9, '0')}-${randomBytes(5).toString('hex')}`;
}

export class Spool {
  readonly dir: string;
  readonly outDir: string;
  readonly inDir: string;
  readonly tmpDir: string;
  private readonly db: Database.Database;

  constructor(dir: string) {
    this.dir = dir;
    this.outDir = join(dir, 'out');
    this.inDir = join(dir, 'in');
    this.tmpDir = join(dir, 'tmp');
    for (const d of [this.outDir, this.inDir, this.tmpDir]) mkdirSync(d, { recursive: true, mode: 0o750 });
    this.db = new Database(join(dir, 'spool.db'));
    try {
      this.db.pragma('busy_timeout = 1000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      // one gateway per spool: the lock is held until the gateway stops (or dies: the system releases it)
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (e) {
      this.db.close();
      const code = (e as { code?: string }).code ?? '';
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
        throw new Error(`the spool ${dir} is in use by another gateway`);
      throw e;
    }
    this.db.exec(SCHEMA);
    this.sweep();
  }

  /**
   * Removes what a stop left half-done: temporary files, and package files no row refers to (written, then the
   * gateway stopped before the row was committed — the package was never acknowledged to anyone).
   */
  private sweep(): void {
    for (const name of readdirSync(this.tmpDir)) rmSync(join(this.tmpDir, name), { force: true, recursive: true });
    const hasOut = this.db.prepare('SELECT 1 FROM outgoing WHERE local_id = ?');
    for (const name of readdirSync(this.outDir)) {
      const id = name.endsWith('.edxml') ? name.slice(0, -'.edxml'.length) : undefined;
      if (!id || !hasOut.get(id)) rmSync(join(this.outDir, name), { force: true });
    }
    const hasIn = this.db.prepare('SELECT 1 FROM incoming WHERE doc_id = ?');
    for (const name of readdirSync(this.inDir)) {
      const id = name.endsWith('.edxml') ? name.slice(0, -'.edxml'.length) : undefined;
      if (!id || !hasIn.get(id)) rmSync(join(this.inDir, name), { force: true });
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  outPath(localId: string): string {
    return join(this.outDir, `${localId}.edxml`);
  }

  inPath(docId: string): string {
    return join(this.inDir, `${docId}.edxml`);
  }

  // ---- outgoing

  enqueue(row: Omit<OutgoingRow, 'seq' | 'state' | 'attempts' | 'createdAt'>): OutgoingRow {
    const createdAt = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO outgoing (local_id, kind, origin, source_name, source_sha256, sha256, size, document_id, subject,
           response_for_doc_id, state, attempts, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?)`,
      )
      .run(
        row.localId,
        row.kind,
        row.origin,
        row.sourceName ?? null,
        row.sourceSha256,
        row.sha256,
        row.size,
        row.documentId ?? null,
        row.subject ?? null,
        row.responseForDocId ?? null,
        createdAt,
      );
    return this.outgoing(row.localId)!;
  }

  outgoing(localId: string): OutgoingRow | undefined {
    const r = this.db.prepare('SELECT * FROM outgoing WHERE local_id = ?').get(localId) as Row | undefined;
    return r ? outgoingFrom(r) : undefined;
  }

  /** A folder file already taken into the spool (same name, same bytes): the outbox copy may just be removed. */
  fromFolder(sourceName: string, sourceSha256: string): OutgoingRow | undefined {
    const r = this.db
      .prepare(`SELECT * FROM outgoing WHERE origin = 'folder' AND source_name = ? AND source_sha256 = ? LIMIT 1`)
      .get(sourceName, sourceSha256) as Row | undefined;
    return r ? outgoingFrom(r) : undefined;
  }

  nextQueued(): OutgoingRow | undefined {
    const r = this.db.prepare(`SELECT * FROM outgoing WHERE state = 'queued' ORDER BY seq LIMIT 1`).get() as
      | Row
      | undefined;
    return r ? outgoingFrom(r) : undefined;
  }

  listOutgoing(q: { state?: OutgoingState; limit?: number } = {}): OutgoingRow[] {
    const limit = q.limit ?? 100;
    const rows = q.state
      ? this.db.prepare('SELECT * FROM outgoing WHERE state = ? ORDER BY seq DESC LIMIT ?').all(q.state, limit)
      : this.db.prepare('SELECT * FROM outgoing ORDER BY seq DESC LIMIT ?').all(limit);
    return (rows as Row[]).map(outgoingFrom);
  }

  attempted(seq: number, error: string | undefined): void {
    this.db
      .prepare('UPDATE outgoing SET attempts = attempts + 1, last_attempt_at = ?, error = ? WHERE seq = ?')
      .run(new Date().toISOString(), error ?? null, seq);
  }

  markSent(seq: number, r: { docId: string; duplicate: boolean; receipt: string }): void {
    this.db
      .prepare(
        `UPDATE outgoing SET state = 'sent', sent_at = ?, doc_id = ?, duplicate = ?, receipt = ?, error = NULL,
           attempts = attempts + 1, last_attempt_at = ? WHERE seq = ?`,
      )
      .run(new Date().toISOString(), r.docId, r.duplicate ? 1 : 0, r.receipt, new Date().toISOString(), seq);
  }

  markFailed(seq: number, error: string): void {
    this.db
      .prepare(
        `UPDATE outgoing SET state = 'failed', error = ?, attempts = attempts + 1, last_attempt_at = ? WHERE seq = ?`,
      )
      .run(error, new Date().toISOString(), seq);
  }

  queueState(): { queued: number; oldestQueuedAt?: string; sent: number; failed: number } {
    const counts = this.db.prepare('SELECT state, COUNT(*) AS n FROM outgoing GROUP BY state').all() as Row[];
    const n = (s: string) => (counts.find((c) => c['state'] === s)?.['n'] as number | undefined) ?? 0;
    const oldest = this.db
      .prepare(`SELECT created_at FROM outgoing WHERE state = 'queued' ORDER BY seq LIMIT 1`)
      .get() as Row | undefined;
    return {
      queued: n('queued'),
      sent: n('sent'),
      failed: n('failed'),
      ...(oldest ? { oldestQueuedAt: oldest['created_at'] as string } : {}),
    };
  }

  // ---- incoming

  incoming(docId: string): IncomingRow | undefined {
    const r = this.db.prepare('SELECT * FROM incoming WHERE doc_id = ?').get(docId) as Row | undefined;
    return r ? incomingFrom(r) : undefined;
  }

  recordIncoming(row: Omit<IncomingRow, 'state' | 'receivedAt'>): void {
    this.db
      .prepare(
        `INSERT INTO incoming (doc_id, message_type, from_agency, subject, document_id, status_code, response_for_doc_id,
           sha256, size, verdict, placement, state, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'stored', ?)`,
      )
      .run(
        row.docId,
        row.messageType,
        row.from,
        row.subject ?? null,
        row.documentId ?? null,
        row.statusCode ?? null,
        row.responseForDocId ?? null,
        row.sha256,
        row.size,
        row.verdict,
        row.placement,
        new Date().toISOString(),
      );
  }

  setIncomingState(docId: string, state: IncomingState): void {
    if (state === 'acked')
      this.db
        .prepare(`UPDATE incoming SET state = 'acked', acked_at = ? WHERE doc_id = ?`)
        .run(new Date().toISOString(), docId);
    else this.db.prepare('UPDATE incoming SET state = ? WHERE doc_id = ?').run(state, docId);
  }

  markHandled(docId: string): boolean {
    return (
      this.db
        .prepare('UPDATE incoming SET handled_at = COALESCE(handled_at, ?) WHERE doc_id = ?')
        .run(new Date().toISOString(), docId).changes > 0
    );
  }

  listIncoming(q: { type: 'edoc' | 'status'; handled?: boolean; limit?: number }): IncomingRow[] {
    const handled = q.handled === undefined ? '' : q.handled ? 'AND handled_at IS NOT NULL' : 'AND handled_at IS NULL';
    const rows = this.db
      .prepare(`SELECT * FROM incoming WHERE message_type = ? ${handled} ORDER BY received_at, doc_id LIMIT ?`)
      .all(q.type, q.limit ?? 500) as Row[];
    return rows.map(incomingFrom);
  }

  incomingCounts(): { total: number; unhandled: number; unacked: number } {
    const r = this.db
      .prepare(
        `SELECT COUNT(*) AS total, SUM(CASE WHEN handled_at IS NULL THEN 1 ELSE 0 END) AS unhandled,
           SUM(CASE WHEN state <> 'acked' THEN 1 ELSE 0 END) AS unacked FROM incoming`,
      )
      .get() as Row;
    return {
      total: (r['total'] as number) ?? 0,
      unhandled: (r['unhandled'] as number | null) ?? 0,
      unacked: (r['unacked'] as number | null) ?? 0,
    };
  }

  /** Incoming packages kept but not yet acknowledged at the hub (the gateway stopped in between). */
  unacked(): IncomingRow[] {
    return (this.db.prepare(`SELECT * FROM incoming WHERE state <> 'acked' ORDER BY received_at`).all() as Row[]).map(
      incomingFrom,
    );
  }
}
