// SQLite-only cache of the rows every request reads again: agencies (sender authorization, scope,
// routing, signature policy; ≈6 lookups per accepted package), credentials (authentication) and
// documents (read by fetch, again by its acknowledgement; rows the hub never changes nor deletes).
//
// Correct because this hub process is the only writer of the file on its own connection, and every
// other writer (the CLI with --data-dir, another process) is seen through `PRAGMA data_version`, which
// changes whenever another connection commits: each lookup checks it first and drops everything if it
// moved. Own writes: a transaction that writes agencies or credentials marks the cache dirty, which
// bypasses it until its batch has committed or rolled back; writes outside transactions drop it. A
// lookup that started before a drop does not store its (possibly older) row (generation check).
// Documents are cached only from reads outside transactions (committed rows), never from a
// transaction's own, possibly rolled-back, inserts.
// Not for PostgreSQL with several hub nodes: there is no data_version across nodes.

import type SQLite from 'better-sqlite3';
import type { AgencyRecord, CredentialRecord, DocumentRecord } from '../store.js';

const MAX_ENTRIES = 10_000;

export interface ReadCacheStats {
  hits: number;
  misses: number;
  /** times everything was dropped (own writes, other connections' commits) */
  drops: number;
}

export class ReadCache {
  private readonly dataVersion: SQLite.Statement;
  private version: unknown;
  private generation = 0;
  /** transactions of the current batch wrote agencies or credentials: not committed yet */
  private dirty = false;
  private readonly agencies = new Map<string, AgencyRecord | null>();
  private readonly credentials = new Map<string, CredentialRecord | null>();
  private readonly credentialKeys = new Map<string, string>();
  private readonly documents = new Map<string, DocumentRecord>();
  readonly stats: ReadCacheStats = { hits: 0, misses: 0, drops: 0 };

  constructor(sqlite: SQLite.Database) {
    this.dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
    this.version = this.dataVersion.get();
  }

  /**
   * Usable now? Drops everything first if another connection committed since the last look. The look
   * (one statement) is taken once per turn of the event loop, not per lookup: a commit by another process
   * within the same turn is indistinguishable from one a moment later (it was 5 % of the delivery profile).
   */
  private usable(): boolean {
    if (this.dirty) return false;
    if (!this.lookedThisTurn) {
      this.lookedThisTurn = true;
      setImmediate(this.nextTurn);
      const v = this.dataVersion.get();
      if (v !== this.version) {
        this.version = v;
        this.drop();
      }
    }
    return true;
  }

  private lookedThisTurn = false;
  private readonly nextTurn = () => {
    this.lookedThisTurn = false;
  };

  drop(): void {
    this.generation++;
    this.stats.drops++;
    this.agencies.clear();
    this.credentials.clear();
    this.credentialKeys.clear();
    this.documents.clear();
  }

  /** an uncommitted write to agencies or credentials: bypass the cache until its batch ends */
  written(): void {
    this.dirty = true;
    this.drop();
  }

  /** the batch committed or rolled back */
  batchEnded(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.drop();
  }

  async agency(code: string, load: () => Promise<AgencyRecord | undefined>): Promise<AgencyRecord | undefined> {
    if (!this.usable()) return load();
    const hit = this.agencies.get(code);
    if (hit !== undefined) {
      this.stats.hits++;
      return hit === null ? undefined : { ...hit };
    }
    this.stats.misses++;
    const gen = this.generation;
    const row = await load();
    if (gen === this.generation && !this.dirty) put(this.agencies, code, row ? { ...row } : null);
    return row;
  }

  async agencyList(codes: string[], load: (missing: string[]) => Promise<AgencyRecord[]>): Promise<AgencyRecord[]> {
    if (!this.usable()) return load(codes);
    const found: AgencyRecord[] = [];
    const missing: string[] = [];
    for (const code of new Set(codes)) {
      const hit = this.agencies.get(code);
      if (hit === undefined) missing.push(code);
      else if (hit !== null) found.push({ ...hit });
    }
    if (missing.length === 0) {
      this.stats.hits++;
      return found;
    }
    this.stats.misses++;
    const gen = this.generation;
    const rows = await load(missing);
    if (gen === this.generation && !this.dirty) {
      const byCode = new Map(rows.map((r) => [r.code, r]));
      for (const code of missing) {
        const r = byCode.get(code);
        put(this.agencies, code, r ? { ...r } : null);
      }
    }
    return [...found, ...rows];
  }

  async credential(
    systemId: string,
    load: () => Promise<CredentialRecord | undefined>,
  ): Promise<CredentialRecord | undefined> {
    if (!this.usable()) return load();
    const hit = this.credentials.get(systemId);
    if (hit !== undefined) {
      this.stats.hits++;
      return hit === null ? undefined : { ...hit };
    }
    this.stats.misses++;
    const gen = this.generation;
    const row = await load();
    if (gen === this.generation && !this.dirty) this.putCredential(systemId, row);
    return row;
  }

  async credentialByKeyId(
    keyId: string,
    load: () => Promise<CredentialRecord | undefined>,
  ): Promise<CredentialRecord | undefined> {
    if (!this.usable()) return load();
    const systemId = this.credentialKeys.get(keyId);
    const hit = systemId === undefined ? undefined : this.credentials.get(systemId);
    if (hit && hit.apiKeyId === keyId) {
      this.stats.hits++;
      return { ...hit };
    }
    this.stats.misses++;
    const gen = this.generation;
    const row = await load();
    // only found keys are kept: an unknown key id may be anything a client sends
    if (row && gen === this.generation && !this.dirty) this.putCredential(row.systemId, row);
    return row;
  }

  /** `committed`: the load reads outside any transaction, so its row may be kept */
  async document(
    docId: string,
    committed: boolean,
    load: () => Promise<DocumentRecord | undefined>,
  ): Promise<DocumentRecord | undefined> {
    if (!this.usable()) return load();
    const hit = this.documents.get(docId);
    if (hit) {
      this.stats.hits++;
      return { ...hit };
    }
    this.stats.misses++;
    if (!committed) return load();
    // recipients of one package fetch it at the same moment (they are notified together): the reads
    // that miss while one is loading share its load instead of each running the same query
    const pending = this.loadingDocuments.get(docId);
    if (pending) {
      const row = await pending;
      return row && { ...row };
    }
    const gen = this.generation;
    const loading = load();
    this.loadingDocuments.set(docId, loading);
    let row: DocumentRecord | undefined;
    try {
      row = await loading;
    } finally {
      this.loadingDocuments.delete(docId);
    }
    // an unknown id is not kept: the document may be committed in a moment
    if (row && gen === this.generation) put(this.documents, docId, { ...row });
    return row && { ...row };
  }

  /** loads of documents under way (outside transactions), shared by the lookups that miss meanwhile */
  private readonly loadingDocuments = new Map<string, Promise<DocumentRecord | undefined>>();

  private putCredential(systemId: string, row: CredentialRecord | undefined): void {
    put(this.credentials, systemId, row ? { ...row } : null);
    if (row) put(this.credentialKeys, row.apiKeyId, systemId);
  }
}

function put<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_ENTRIES && !map.has(key)) map.delete(map.keys().next().value as string);
  map.set(key, value);
}
