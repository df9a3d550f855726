// One suite of Store behaviours, run against every backend (contract/*.contract.test.ts): intake,
// routing, dedupe, inbox cursors, acks, statuses, business types, statistics, receipts, inline blobs,
// the audit hash chain and its checkpoints, transactions, and (for backends several hub nodes share)
// concurrent writers. Every test opens a fresh, empty database.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { entryHash, GENESIS_HASH } from '@lienthong/trust';
import { recordAudit } from '../../audit/audit-trail.js';
import { chainEntry } from '../../audit/chain-entry.js';
import type { AckState } from '../../core/contract.js';
import type { Migration } from '../sql/migrator.js';
import type {
  AttachmentInspectionRecord,
  AuditRecord,
  NewAgencyRecord,
  NewDocumentRecord,
  SignatureRecord,
  Store,
  StoreOps,
} from '../store.js';
import { statsContract } from './stats-contract.js';

export interface OpenedStore {
  store: Store;
  /**
   * Another Store on the same database, as a second hub node would open it. Only for backends meant to
   * be shared by concurrent writers (PostgreSQL); their concurrency tests are skipped otherwise.
   */
  openAnother?: () => Promise<Store>;
  /** runs one SQL statement on the database directly, past the store; resolves with its rows */
  sql(statement: string): Promise<Array<Record<string, unknown>>>;
  /** closes what is still open and deletes the database */
  dispose(): Promise<void>;
}

export interface StoreBackend {
  name: string;
  /** the backend's migration list */
  migrations: Migration[];
  /** several hub nodes may share one database: run the concurrent-writer tests (needs `openAnother`) */
  sharedByNodes: boolean;
  /** opens a store on a fresh, empty database */
  open(): Promise<OpenedStore>;
}

const now = new Date('2024-05-01T03:00:00.123Z');
const later = (ms: number) => new Date(now.getTime() + ms);

const agency = (code: string, extra: Partial<NewAgencyRecord> = {}): NewAgencyRecord => ({
  code,
  name: `Agency ${code}`,
  level: 1,
  enabled: true,
  isTenant: false,
  demo: false,
  ...extra,
});

let shaCounter = 0;
const freshSha = () => (++shaCounter).toString(16).padStart(64, '0');

function doc(docId: string, sender: string, extra: Partial<NewDocumentRecord> = {}): NewDocumentRecord {
  const sha = extra.sha256 ?? freshSha();
  return {
    docId,
    messageType: 'edoc',
    sender,
    submittedBy: sender,
    documentId: `${sender},2024/05/01,${docId}/X`,
    businessType: 0,
    blobKey: sha,
    xmlStart: 0,
    xmlEnd: 10,
    sha256: sha,
    size: 10,
    acceptedAt: now,
    ...extra,
  };
}

const statusDoc = (docId: string, sender: string, about: string, code: string, at = now): NewDocumentRecord =>
  doc(docId, sender, {
    messageType: 'status',
    documentId: undefined,
    businessType: undefined,
    statusCode: code as NewDocumentRecord['statusCode'],
    responseForDocId: about,
    responseForOrganId: 'S',
    responseForDocumentId: `S,2024/05/01,${about}/X`,
    acceptedAt: at,
  });

/** Accepts a document and routes it: the shape of the hub's intake transaction. */
async function intake(s: Store, d: NewDocumentRecord, recipients: string[], audit = false) {
  return s.transaction(async (tx) => {
    const record = await tx.insertDocument(d);
    const deliveries = [];
    for (const r of recipients) deliveries.push(await tx.insertDelivery(d.docId, r, d.acceptedAt));
    await tx.insertEvents([{ docId: d.docId, at: d.acceptedAt, kind: 'accepted', actor: d.sender }]);
    const entry = audit ? await recordAudit(tx, { actor: d.sender, action: 'accept', subject: d.docId }) : undefined;
    return { record, deliveries, entry };
  });
}

/** The object without its undefined properties: records from a query have every key, inputs only some. */
function defined<T extends object>(o: T | undefined): Partial<T> | undefined {
  return o && (Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>);
}

/** Checks that entries link into one chain from genesis, ids 1..n without gaps. */
function assertChain(entries: AuditRecord[]): void {
  let prev = GENESIS_HASH;
  entries.forEach((e, i) => {
    assert.equal(e.id, i + 1, 'audit ids are gap-free from 1');
    assert.equal(e.prevHash, prev, `entry ${e.id} links to the entry before it`);
    assert.equal(e.hash, entryHash(prev, chainEntry(e.id, e.payload)), `entry ${e.id} hash`);
    prev = e.hash;
  });
}

async function allAudit(s: StoreOps): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (;;) {
    const page = await s.listAudit(out.at(-1)?.id ?? 0, 100);
    out.push(...page);
    if (page.length < 100) return out;
  }
}

export function storeContract(backend: StoreBackend): void {
  /** a test on a fresh database, disposed of afterwards whatever happens */
  const withStore = (name: string, fn: (o: OpenedStore) => Promise<void>, opts: { concurrent?: boolean } = {}) =>
    test(name, {
      skip:
        opts.concurrent && !backend.sharedByNodes ? `${backend.name} has one writer: not shared by hub nodes` : false,
    }, async () => {
      const opened = await backend.open();
      try {
        await fn(opened);
      } finally {
        await opened.dispose();
      }
    });

  describe(`Store contract: ${backend.name}`, () => {
    describe('schema', () => {
      withStore('every migration is recorded once, in order; opening again applies nothing', async (o) => {
        await o.store.ping();
        const expected = backend.migrations.map((m) => ({ version: m.version, name: m.name }));
        const rows = async () =>
          (await o.sql('SELECT version, name FROM schema_migrations ORDER BY version')).map((r) => ({
            version: Number(r['version']),
            name: r['name'],
          }));
        assert.deepEqual(await rows(), expected);
        if (o.openAnother) {
          const again = await o.openAnother();
          await again.ping();
          await again.close();
          assert.deepEqual(await rows(), expected);
        }
      });
    });

    describe('directory', () => {
      withStore('agencies: versions increase on every change; deleted rows only for sync; revival', async (o) => {
        const s = o.store;
        const a = await s.insertAgency(agency('000.00.00.G01'), now);
        const b = await s.insertAgency(agency('000.00.00.G02', { level: 2, parentCode: '000.00.00.G01' }), now);
        assert.ok(b.version > a.version);
        await assert.rejects(s.insertAgency(agency('000.00.00.G01'), now), /already exists/);
        const d = await s.updateAgency('000.00.00.G01', { deleted: true }, later(1));
        assert.ok(d && d.version > b.version && d.deleted);
        assert.equal(d.updatedAt.getTime(), later(1).getTime());
        assert.deepEqual(
          (await s.listAgencies({})).map((x) => x.code),
          ['000.00.00.G02'],
        );
        assert.deepEqual(
          (await s.listAgencies({ sinceVersion: b.version, includeDeleted: true })).map((x) => x.code),
          ['000.00.00.G01'],
        );
        const revived = await s.insertAgency(agency('000.00.00.G01'), now);
        assert.equal(revived.deleted, false);
        assert.ok(revived.version > d.version);
        assert.equal(await s.countAgencies(), 2);
        assert.equal(await s.updateAgency('000.00.00.X99', { name: 'nobody' }, now), undefined);
      });

      withStore('agencies: every field round-trips; filters; byte-wise code order', async (o) => {
        const s = o.store;
        const full = agency('000.00.11.H53', {
          parentCode: '000.00.00.H53',
          name: 'Sở Tài chính Tây Ninh',
          level: 3,
          email: 'stc@tayninh.gov.vn',
          phone: '+84 276 3822 000',
          fax: '0276 3822 001',
          tenantId: 'vxp.saas.03',
          demo: true,
        });
        const stored = await s.insertAgency(full, now);
        assert.deepEqual(
          { ...stored, version: 0 },
          { ...full, signaturePolicy: undefined, version: 0, deleted: false, updatedAt: now },
        );
        assert.deepEqual(await s.getAgency('000.00.11.H53'), stored);
        const policy = await s.updateAgency('000.00.11.H53', { signaturePolicy: 'require', enabled: false }, now);
        assert.equal(policy?.signaturePolicy, 'require');
        assert.equal(policy?.enabled, false);
        assert.equal(
          (await s.updateAgency('000.00.11.H53', { signaturePolicy: null }, now))?.signaturePolicy,
          undefined,
        );
        // byte order, as SQLite's BINARY collation: '.' < digits < upper case < lower case
        for (const code of ['a', 'B', '0000', '000.00.00.G01', 'Z.1', 'tenant']) {
          await s.insertAgency(agency(code, { level: code === 'tenant' ? 0 : 1, isTenant: code === 'tenant' }), now);
        }
        assert.deepEqual(
          (await s.listAgencies({ includeDisabled: true })).map((x) => x.code),
          ['000.00.00.G01', '000.00.11.H53', '0000', 'B', 'Z.1', 'a', 'tenant'],
        );
        assert.deepEqual(
          (await s.listAgencies({})).map((x) => x.code),
          ['000.00.00.G01', '0000', 'B', 'Z.1', 'a', 'tenant'],
        );
        assert.deepEqual(
          (await s.listAgencies({ level: 0 })).map((x) => x.code),
          ['tenant'],
        );
        assert.deepEqual(
          (await s.listAgencies({ tenantId: 'vxp.saas.03', includeDisabled: true })).map((x) => x.code),
          ['000.00.11.H53'],
        );
        assert.deepEqual((await s.getAgencies(['a', 'B', 'missing'])).map((x) => x.code).sort(), ['B', 'a']);
        assert.deepEqual(await s.getAgencies([]), []);
      });

      withStore('credentials: stored, found by system and by key id, replaced', async (o) => {
        const s = o.store;
        await s.insertAgency(agency('000.00.00.G01'), now);
        const c = {
          systemId: '000.00.00.G01',
          vxpSecretSealed: 'sealed-1',
          apiKeyId: 'k1',
          apiKeyHash: 'h1',
          createdAt: now,
        };
        await s.putCredential(c);
        assert.deepEqual(await s.getCredential('000.00.00.G01'), c);
        assert.deepEqual(await s.getCredentialByKeyId('k1'), c);
        const rotated = { ...c, vxpSecretSealed: 'sealed-2', apiKeyId: 'k2', apiKeyHash: 'h2', createdAt: later(5) };
        await s.putCredential(rotated);
        assert.deepEqual(await s.getCredential('000.00.00.G01'), rotated);
        assert.equal(await s.getCredentialByKeyId('k1'), undefined);
        assert.equal(await s.getCredential('nobody'), undefined);
      });
    });

    describe('intake', () => {
      withStore('documents: every field round-trips, large numbers included; seq increases', async (o) => {
        const s = o.store;
        const full = doc('a'.repeat(24), 'S', {
          submittedBy: 'vxp.saas.03',
          businessType: 0,
          subject: 'Về việc triển khai trục liên thông — “quotes” & <xml>',
          codeNumber: '123',
          codeNotation: 'UBND-VP',
          priority: 2,
          dueDate: '2024/05/10',
          traceOffset: 4_294_967_296,
          tracePrefix: '\n  ',
          traceIndent: '  ',
          hubTraceTimestamp: '2024/05/01 10:00:00',
          xmlStart: 3_000_000_000,
          xmlEnd: 3_000_000_500,
          size: 5_000_000_000,
          acceptedAt: new Date(Date.UTC(2099, 11, 31, 23, 59, 59, 999)),
        });
        const first = await s.insertDocument(full);
        const second = await s.insertDocument(doc('b'.repeat(24), 'S'));
        assert.equal(typeof first.seq, 'number');
        assert.equal(second.seq, first.seq + 1);
        const got = await s.getDocument('a'.repeat(24));
        assert.deepEqual(defined(got), defined(first));
        assert.equal(got?.size, 5_000_000_000);
        assert.equal(got?.traceOffset, 4_294_967_296);
        assert.equal(await s.getDocument('missing'), undefined);
        assert.equal(await s.countDocuments(), 2);
      });

      withStore('dedupe: one document per sender and digest, one new document per sender and DocumentId', async (o) => {
        const s = o.store;
        const sha = freshSha();
        await s.insertDocument(doc('a1', 'S1', { sha256: sha, documentId: 'D' }));
        await assert.rejects(s.insertDocument(doc('a2', 'S1', { sha256: sha, documentId: 'D2' })));
        // the same bytes from another sender are another document
        await s.insertDocument(doc('a3', 'S2', { sha256: sha, documentId: 'D' }));
        // a second *new* document with the same DocumentId from the same sender is refused …
        await assert.rejects(s.insertDocument(doc('a4', 'S1', { documentId: 'D' })));
        // … a revoke, update or replace reuses it
        await s.insertDocument(doc('a5', 'S1', { documentId: 'D', businessType: 1, businessTarget: 'D' }));
        await s.insertDocument(doc('a6', 'S1', { documentId: 'D', businessType: 2, businessTarget: 'D' }));
        assert.equal((await s.findDocumentBySha('S1', sha))?.docId, 'a1');
        assert.equal((await s.findDocumentBySha('S2', sha))?.docId, 'a3');
        assert.equal(await s.findDocumentBySha('S3', sha), undefined);
        assert.deepEqual(
          (await s.findDocumentsByDocumentId('D', 'S1')).map((d) => d.docId),
          ['a1', 'a5', 'a6'],
        );
        assert.deepEqual(
          (await s.findDocumentsByDocumentId('D')).map((d) => d.docId),
          ['a1', 'a3', 'a5', 'a6'],
        );
        assert.equal(await s.countDocuments(), 4);
      });

      withStore(
        "intake's look-up before it inserts: same bytes, or the sender's documents with the DocumentId",
        async (o) => {
          const s = o.store;
          const sha = freshSha();
          await s.insertDocument(doc('b1', 'S1', { sha256: sha, documentId: 'E' }));
          await s.insertDocument(doc('b2', 'S1', { documentId: 'E', businessType: 1, businessTarget: 'E' }));
          await s.insertDocument(doc('b3', 'S2', { documentId: 'E' }));
          const same = await s.findEarlierSubmission('S1', sha, 'E');
          assert.equal(same.sameBytes?.docId, 'b1');
          const other = await s.findEarlierSubmission('S1', freshSha(), 'E');
          assert.equal(other.sameBytes, undefined);
          assert.deepEqual(
            other.sameDocumentId.map((d) => d.docId),
            ['b1', 'b2'],
          );
          assert.deepEqual(await s.findEarlierSubmission('S1', freshSha()), {
            sameBytes: undefined,
            sameDocumentId: [],
          });
          assert.equal((await s.findEarlierSubmission('S3', sha, 'E')).sameDocumentId.length, 0);
          // in a transaction the answer may be "none" on a first run (PostgreSQL): the duplicate's insert
          // then fails and the transaction runs again, and finds it
          const sha2 = freshSha();
          await s.insertDocument(doc('b4', 'S1', { sha256: sha2 }));
          let runs = 0;
          const found = await s.transaction(async (tx) => {
            runs++;
            const e = await tx.findEarlierSubmission('S1', sha2);
            if (e.sameBytes) return e.sameBytes.docId;
            await tx.insertDocument(doc('b5', 'S1', { sha256: sha2 }));
            return 'inserted';
          });
          assert.equal(found, 'b4');
          assert.ok(runs >= 1);
          assert.equal(await s.getDocument('b5'), undefined);
        },
      );

      withStore('a rejected insert inside a transaction rolls the whole transaction back', async (o) => {
        const s = o.store;
        const sha = freshSha();
        const a = await s.insertDocument(doc('a1', 'S', { sha256: sha }));
        await assert.rejects(
          s.transaction(async (tx) => {
            await tx.insertDocument(doc('a2', 'S'));
            await tx.insertDocument(doc('a3', 'S', { sha256: sha }));
          }),
        );
        assert.equal(await s.getDocument('a2'), undefined);
        // the counter rolled back with the rows: no gap
        assert.equal((await s.insertDocument(doc('a4', 'S'))).seq, a.seq + 1);
      });

      withStore('a failed transaction leaves nothing behind', async (o) => {
        const s = o.store;
        await assert.rejects(
          s.transaction(async (tx) => {
            await tx.insertDocument(doc('e1', 'X'));
            await tx.insertDelivery('e1', 'Y', now);
            await recordAudit(tx, { actor: 'X', action: 'accept', subject: 'e1' });
            throw new Error('boom');
          }),
          /boom/,
        );
        assert.equal(await s.getDocument('e1'), undefined);
        assert.equal(await s.countAllPending(), 0);
        assert.equal(await s.auditHead(), undefined);
        const { record, deliveries, entry } = await intake(s, doc('e2', 'X'), ['Y'], true);
        assert.equal(record.seq, 1);
        assert.equal(deliveries[0]!.seq, 1);
        assert.equal(entry!.id, 1);
      });

      withStore('signatures: the verdict round-trips, with and without a signer', async (o) => {
        const s = o.store;
        await s.insertDocument(doc('d1', 'S'));
        await s.insertDocument(doc('d2', 'S'));
        const full: SignatureRecord = {
          docId: 'd1',
          status: 'valid',
          weak: true,
          policy: 'require',
          algorithm: 'rsa-sha1',
          digestAlgorithm: 'sha1',
          signer: {
            subject: 'CN=Sở Tài chính',
            issuer: 'CN=Dev CA',
            agencyCode: '000.00.11.H53',
            serialNumber: '0a1b',
            fingerprint256: 'ff'.repeat(32),
            notAfter: new Date('2030-01-01T00:00:00Z'),
          },
          reasons: [{ code: 'weak-algorithm', message: 'SHA-1', severity: 'note' }],
          checkedAt: now,
        };
        await s.insertSignature(full);
        assert.deepEqual(await s.getSignature('d1'), full);
        const bare: SignatureRecord = {
          docId: 'd2',
          status: 'absent',
          weak: false,
          policy: 'report',
          reasons: [],
          checkedAt: now,
        };
        await s.insertSignature(bare);
        assert.deepEqual(await s.getSignature('d2'), bare);
        assert.equal(await s.getSignature('d3'), undefined);
      });

      withStore('receipts: stored once; a second one returns the first', async (o) => {
        const s = o.store;
        await s.insertDocument(doc('d1', 'S'));
        assert.equal(await s.insertReceipt('d1', 'jws-1', now), 'jws-1');
        assert.equal(await s.insertReceipt('d1', 'jws-2', later(1)), 'jws-1');
        assert.equal(await s.getReceipt('d1'), 'jws-1');
        assert.equal(await s.getReceipt('d2'), undefined);
      });

      withStore('inline blobs: bytes round-trip exactly, a stored key is kept, references are found', async (o) => {
        const s = o.store;
        const bytes = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
        const empty = new Uint8Array(0);
        await s.transaction((tx) =>
          tx.insertInlineBlobs(
            [
              { key: 'k-bytes', bytes },
              { key: 'k-empty', bytes: empty },
            ],
            now,
          ),
        );
        await s.insertInlineBlobs([{ key: 'k-bytes', bytes: Uint8Array.of(1, 2, 3) }], now);
        assert.deepEqual(Buffer.from((await s.getInlineBlob('k-bytes'))!), Buffer.from(bytes));
        assert.equal((await s.getInlineBlob('k-empty'))?.byteLength, 0);
        assert.equal(await s.inlineBlobSize('k-bytes'), 512);
        assert.equal(await s.getInlineBlob('missing'), undefined);
        assert.equal(await s.inlineBlobSize('missing'), undefined);
        await s.insertDocument(doc('d1', 'S', { blobKey: 'k-body' }));
        await s.insertAttachments([{ docId: 'd1', index: 0, size: 3, sha256: 'x', blobKey: 'k-att' }]);
        assert.deepEqual([...(await s.referencedBlobKeys(['k-body', 'k-att', 'k-bytes', 'k-none']))].sort(), [
          'k-att',
          'k-body',
        ]);
        assert.equal((await s.referencedBlobKeys([])).size, 0);
      });
    });

    describe('routing', () => {
      withStore('deliveries, traces, relations, events and attachments of a routed document', async (o) => {
        const s = o.store;
        const { record, deliveries } = await intake(s, doc('d1', 'S'), ['R2', 'R1']);
        assert.equal(record.seq, 1);
        assert.deepEqual(
          deliveries.map((d) => [d.recipient, d.seq, d.state]),
          [
            ['R2', 1, 'pending'],
            ['R1', 2, 'pending'],
          ],
        );
        assert.deepEqual(await s.getDeliveries('d1'), deliveries);
        // a recipient's own deliveries only, in delivery order; unknown recipients left out
        assert.deepEqual(await s.getDeliveriesTo('d1', ['R1']), [deliveries[1]]);
        assert.deepEqual(await s.getDeliveriesTo('d1', ['R1', 'R9', 'R2']), deliveries);
        assert.deepEqual(await s.getDeliveriesTo('d1', ['R9']), []);
        await assert.rejects(s.insertDelivery('d1', 'R1', now), 'one delivery per document and recipient');
        await assert.rejects(s.insertDelivery('missing', 'R1', now), 'a delivery needs its document');
        assert.equal(await s.countAllPending(), 2);

        await s.insertTraces([
          { docId: 'd1', position: 1, organId: 'S', timestamp: '2024/05/01 10:00:00', byHub: false },
          { docId: 'd1', position: 0, organId: 'S0', timestamp: '2024/05/01 09:00:00', byHub: true },
        ]);
        assert.deepEqual(
          (await s.listTraces('d1')).map((t) => [t.position, t.organId, t.byHub]),
          [
            [0, 'S0', true],
            [1, 'S', false],
          ],
        );

        await s.insertAttachments([
          {
            docId: 'd1',
            index: 1,
            name: 'b.pdf',
            contentType: 'application/pdf',
            size: 3_000_000_000,
            sha256: 's1',
            blobKey: 'b1',
          },
          { docId: 'd1', index: 0, contentId: 'cid0', size: 1, sha256: 's0', blobKey: 'b0' },
        ]);
        const atts = await s.listAttachments('d1');
        assert.deepEqual(
          atts.map((a) => [a.index, a.name, a.size, a.contentId]),
          [
            [0, undefined, 1, 'cid0'],
            [1, 'b.pdf', 3_000_000_000, undefined],
          ],
        );

        await s.insertEvents([
          { docId: 'd1', recipient: 'R1', at: later(1), kind: 'fetched', actor: 'R1' },
          { docId: 'd1', at: later(2), kind: 'note', detail: 'x', statusCode: '03', relatedDocId: 'd0' },
        ]);
        const events = await s.listEvents('d1');
        assert.deepEqual(
          events.map((e) => [e.kind, e.recipient, e.at.getTime()]),
          [
            ['accepted', undefined, now.getTime()],
            ['fetched', 'R1', later(1).getTime()],
            ['note', undefined, later(2).getTime()],
          ],
        );
        assert.equal(events[2]!.statusCode, '03');
        assert.equal(events[2]!.relatedDocId, 'd0');
      });

      withStore(
        'events of concurrent transactions: in the order they were written, none of one rolled back',
        async (o) => {
          const s = o.store;
          await intake(
            s,
            doc('d1', 'S'),
            Array.from({ length: 70 }, (_, i) => `R${i}`),
            false,
          );
          // enough at once for a batch's events to need more than one INSERT; every fourth transaction fails
          const outcomes = await Promise.allSettled(
            Array.from({ length: 70 }, (_, i) =>
              s.transaction(async (tx) => {
                await tx.insertEvents([
                  { docId: 'd1', recipient: `R${i}`, at: later(i), kind: 'fetched', actor: `R${i}` },
                ]);
                if (i % 2 === 0) {
                  await tx.insertEvents([
                    { docId: 'd1', recipient: `R${i}`, at: later(i), kind: 'ack-done', detail: 'ư' },
                  ]);
                }
                if (i % 4 === 3) throw new Error(`refused ${i}`);
              }),
            ),
          );
          assert.equal(outcomes.filter((r) => r.status === 'rejected').length, 17);
          const expected: Array<[string, string | undefined]> = [['accepted', undefined]];
          for (let i = 0; i < 70; i++) {
            if (i % 4 === 3) continue;
            expected.push(['fetched', `R${i}`]);
            if (i % 2 === 0) expected.push(['ack-done', `R${i}`]);
          }
          const events = await s.listEvents('d1');
          assert.deepEqual(
            events.map((e) => [e.kind, e.recipient]),
            expected,
          );
          assert.equal(events.find((e) => e.kind === 'ack-done')?.detail, 'ư');
        },
      );

      withStore('business types: revoke/update/replace keep their type, target and relations', async (o) => {
        const s = o.store;
        await intake(s, doc('orig', 'S', { documentId: 'D' }), ['R']);
        for (const [id, type] of [
          ['rev', 1],
          ['upd', 2],
          ['rep', 3],
        ] as const) {
          await intake(s, doc(id, 'S', { documentId: 'D', businessType: type, businessTarget: 'D' }), ['R']);
        }
        await s.insertRelations([
          { docId: 'upd', relatedDocId: 'orig', relation: 'updates' },
          { docId: 'orig', relatedDocId: 'upd', relation: 'updated-by' },
          { docId: 'orig', relatedDocId: 'rev', relation: 'revoked-by' },
        ]);
        // inserting a relation twice is harmless
        await s.insertRelations([{ docId: 'orig', relatedDocId: 'upd', relation: 'updated-by' }]);
        assert.deepEqual((await s.listRelations('orig')).map((r) => `${r.relation}:${r.relatedDocId}`).sort(), [
          'revoked-by:rev',
          'updated-by:upd',
        ]);
        const found = await s.findDocumentsByDocumentId('D', 'S');
        assert.deepEqual(
          found.map((d) => [d.docId, d.businessType, d.businessTarget]),
          [
            ['orig', 0, undefined],
            ['rev', 1, 'D'],
            ['upd', 2, 'D'],
            ['rep', 3, 'D'],
          ],
        );
      });
    });

    describe('inbox', () => {
      withStore('cursor: ordered by delivery seq, filtered by recipient, type, state, sender and date', async (o) => {
        const s = o.store;
        for (let i = 0; i < 5; i++) {
          await intake(s, doc(`d${i}`, i % 2 === 0 ? 'S' : 'T', { acceptedAt: later(i * 1000) }), ['R1', 'R2']);
        }
        await s.updateDelivery('d1', 'R1', { state: 'done', updatedAt: now });
        const q = { recipients: ['R1'], messageType: 'edoc' as const, states: ['pending' as const] };
        const page1 = await s.listInbox({ ...q, limit: 2 });
        assert.deepEqual(
          page1.map((r) => r.document.docId),
          ['d0', 'd2'],
        );
        const page2 = await s.listInbox({ ...q, limit: 2, afterSeq: page1[1]!.delivery.seq });
        assert.deepEqual(
          page2.map((r) => r.document.docId),
          ['d3', 'd4'],
        );
        assert.deepEqual(await s.listInbox({ ...q, limit: 2, afterSeq: page2[1]!.delivery.seq }), []);
        // the row carries the whole delivery and the whole document
        assert.deepEqual(page1[0]!.document, await s.getDocument('d0'));
        assert.deepEqual(
          page1[0]!.delivery,
          (await s.getDeliveries('d0')).find((d) => d.recipient === 'R1'),
        );
        assert.deepEqual(
          (await s.listInbox({ ...q, limit: 10, from: 'T' })).map((r) => r.document.docId),
          ['d3'],
        );
        assert.deepEqual(
          (await s.listInbox({ ...q, limit: 10, fromDate: later(2000), toDate: later(3000) })).map(
            (r) => r.document.docId,
          ),
          ['d2', 'd3'],
        );
        assert.deepEqual(
          (await s.listInbox({ ...q, states: ['pending', 'done'], limit: 10 })).map((r) => r.document.docId),
          ['d0', 'd1', 'd2', 'd3', 'd4'],
        );
        assert.deepEqual(
          (await s.listInbox({ ...q, recipients: ['R1', 'R2'], limit: 3 })).map(
            (r) => `${r.document.docId}>${r.delivery.recipient}`,
          ),
          ['d0>R1', 'd0>R2', 'd1>R2'],
        );
        assert.deepEqual(await s.listInbox({ ...q, messageType: 'status', limit: 10 }), []);
        assert.deepEqual(await s.listInbox({ ...q, recipients: [], limit: 10 }), []);
        assert.deepEqual(await s.listInbox({ ...q, states: [], limit: 10 }), []);
        assert.equal(
          await s.countDeliveries({ recipients: ['R1', 'R2'], messageType: 'edoc', states: ['pending'] }),
          9,
        );
        assert.equal(await s.countDeliveries({ recipients: ['R1'], messageType: 'edoc', states: ['done'] }), 1);
        assert.equal(await s.countDeliveries({ recipients: [], messageType: 'edoc', states: ['done'] }), 0);
      });

      withStore('acks: state, description, fetch time; pending counts follow', async (o) => {
        const s = o.store;
        await intake(s, doc('d1', 'S'), ['R1', 'R2']);
        assert.equal(await s.countAllPending(), 2);
        await s.updateDelivery('d1', 'R1', { state: 'processing', fetchedAt: later(1), updatedAt: later(1) });
        assert.equal(await s.countAllPending(), 2, 'processing still counts as pending');
        await s.updateDelivery('d1', 'R1', { state: 'fail', stateDescription: 'cannot open', updatedAt: later(2) });
        let r1 = (await s.getDeliveries('d1')).find((d) => d.recipient === 'R1')!;
        assert.equal(r1.state, 'fail');
        assert.equal(r1.stateDescription, 'cannot open');
        assert.equal(r1.fetchedAt?.getTime(), later(1).getTime());
        assert.equal(r1.updatedAt.getTime(), later(2).getTime());
        assert.equal(r1.createdAt.getTime(), now.getTime());
        await s.updateDelivery('d1', 'R1', { state: 'done', stateDescription: null, updatedAt: later(3) });
        r1 = (await s.getDeliveries('d1')).find((d) => d.recipient === 'R1')!;
        assert.equal(r1.state, 'done');
        assert.equal(r1.stateDescription, undefined);
        assert.equal(await s.countAllPending(), 1);
        await s.updateDelivery('d1', 'R2', {});
        await s.updateDelivery('d1', 'R2', { state: 'withdrawn', updatedAt: later(4) });
        assert.equal(await s.countAllPending(), 0);
        // an unknown delivery changes nothing
        await s.updateDelivery('d1', 'R9', { state: 'done' });
        assert.equal((await s.getDeliveries('d1')).length, 2);
      });

      withStore('compare-and-set of a delivery: applied only while it is as expected', async (o) => {
        const s = o.store;
        await intake(s, doc('d1', 'S'), ['R1']);
        const patch = { state: 'processing' as const, stateDescription: 'reading', updatedAt: later(1) };
        assert.equal(await s.updateDeliveryIf('d1', 'R1', { state: 'done' }, patch), false, 'not done yet');
        assert.equal(await s.updateDeliveryIf('d1', 'R1', { state: 'pending' }, patch), true);
        assert.equal(await s.updateDeliveryIf('d1', 'R1', { state: 'pending' }, patch), false, 'the second one loses');
        const done = { state: 'done' as const, stateDescription: null, updatedAt: later(2) };
        assert.equal(await s.updateDeliveryIf('d1', 'R1', { state: 'processing' }, done), false, 'description differs');
        assert.equal(
          await s.updateDeliveryIf('d1', 'R1', { state: 'processing', stateDescription: 'other' }, done),
          false,
        );
        assert.equal((await s.getDeliveries('d1'))[0]?.stateDescription, 'reading');
        assert.equal(
          await s.updateDeliveryIf('d1', 'R1', { state: 'processing', stateDescription: 'reading' }, done),
          true,
        );
        const [r1] = await s.getDeliveries('d1');
        assert.equal(r1?.state, 'done');
        assert.equal(r1?.stateDescription, undefined);
        assert.equal(r1?.updatedAt.getTime(), later(2).getTime());
        assert.equal(await s.updateDeliveryIf('d1', 'R9', { state: 'pending' }, done), false, 'an unknown delivery');
      });

      withStore('the acknowledgement as one compare-and-set: only an open delivery, only a real change', async (o) => {
        const s = o.store;
        await intake(s, doc('d1', 'S'), ['R1', 'R2']);
        const ack = (state: AckState, stateDescription: string | null, at: number) =>
          ({ state, stateDescription, updatedAt: later(at) }) as const;
        const r1 = async () => (await s.getDeliveriesTo('d1', ['R1']))[0];
        assert.equal(await s.acknowledgeDelivery('d1', 'R1', ack('processing', 'reading', 1)), true);
        assert.equal((await r1())?.stateDescription, 'reading');
        assert.equal(await s.acknowledgeDelivery('d1', 'R1', ack('processing', 'reading', 2)), false, 'no change');
        assert.equal((await r1())?.updatedAt.getTime(), later(1).getTime());
        assert.equal(await s.acknowledgeDelivery('d1', 'R1', ack('processing', null, 3)), true, 'description cleared');
        assert.equal(await s.acknowledgeDelivery('d1', 'R1', ack('processing', null, 4)), false, 'still none');
        assert.equal(await s.acknowledgeDelivery('d1', 'R1', ack('fail', null, 5)), true);
        assert.equal(await s.acknowledgeDelivery('d1', 'R1', ack('done', null, 6)), true);
        assert.equal(await s.acknowledgeDelivery('d1', 'R1', ack('fail', 'late', 7)), false, 'done stays done');
        const done = await r1();
        assert.equal(done?.state, 'done');
        assert.equal(done?.stateDescription, undefined);
        assert.equal(done?.updatedAt.getTime(), later(6).getTime());
        await s.updateDelivery('d1', 'R2', { state: 'withdrawn', updatedAt: later(8) });
        assert.equal(await s.acknowledgeDelivery('d1', 'R2', ack('done', null, 9)), false, 'withdrawn');
        assert.equal((await s.getDeliveriesTo('d1', ['R2']))[0]?.state, 'withdrawn');
        assert.equal(await s.acknowledgeDelivery('d1', 'R9', ack('done', null, 10)), false, 'an unknown delivery');
      });

      withStore('many acknowledgements of one recipient at once: each its own compare-and-set', async (o) => {
        const s = o.store;
        // 90 open deliveries to R1 (chunks of 64, 16, 4, 4, 1, 1 …), and the cases the single one refuses
        const ids = Array.from({ length: 90 }, (_, i) => `m${String(i).padStart(2, '0')}`);
        for (const id of ids) await intake(s, doc(id, 'S'), ['R1', 'R2']);
        const ack = (state: AckState, stateDescription: string | null, at: number) =>
          ({ state, stateDescription, updatedAt: later(at) }) as const;
        assert.equal(await s.acknowledgeDelivery('m00', 'R1', ack('done', null, 1)), true);
        assert.equal(await s.acknowledgeDelivery('m01', 'R1', ack('processing', 'reading', 1)), true);
        await s.updateDelivery('m02', 'R1', { state: 'withdrawn', updatedAt: later(1) });
        const asked = [...ids, 'unknown'];
        const changed = await s.acknowledgeDeliveries('R1', asked, ack('processing', 'reading', 2));
        assert.deepEqual(changed.sort(), ids.slice(3), 'all but done, no change, withdrawn and unknown');
        const states = new Map<string, string | undefined>();
        for (const id of ids) {
          const [d] = await s.getDeliveriesTo(id, ['R1']);
          states.set(id, `${d?.state}/${d?.stateDescription}/${d?.updatedAt.getTime()}`);
          const [other] = await s.getDeliveriesTo(id, ['R2']);
          assert.equal(other?.state, 'pending', `${id}: another recipient's delivery is untouched`);
        }
        assert.equal(states.get('m00'), `done/undefined/${later(1).getTime()}`);
        assert.equal(states.get('m01'), `processing/reading/${later(1).getTime()}`);
        assert.equal(states.get('m02'), `withdrawn/undefined/${later(1).getTime()}`);
        assert.equal(states.get('m89'), `processing/reading/${later(2).getTime()}`);
        assert.deepEqual(await s.acknowledgeDeliveries('R1', ids, ack('processing', 'reading', 3)), [], 'no change');
        assert.equal((await s.acknowledgeDeliveries('R2', ['m05', 'm05'], ack('done', null, 4))).length, 1);
        assert.deepEqual(await s.acknowledgeDeliveries('R1', [], ack('done', null, 5)), []);
      });
    });

    describe('statuses', () => {
      withStore(
        'status packages: linked to their document, oldest first; the latest status on the delivery',
        async (o) => {
          const s = o.store;
          await intake(s, doc('d1', 'S'), ['R1', 'R2']);
          await intake(s, statusDoc('s1', 'R1', 'd1', '03', later(1)), ['S']);
          await intake(s, statusDoc('s2', 'R2', 'd1', '03', later(2)), ['S']);
          await intake(s, statusDoc('s3', 'R1', 'd1', '06', later(3)), ['S']);
          await s.updateDelivery('d1', 'R1', { lastStatus: '06', lastStatusAt: later(3) });
          assert.deepEqual(
            (await s.listStatusReports('d1')).map((d) => [d.docId, d.statusCode, d.sender]),
            [
              ['s1', '03', 'R1'],
              ['s2', '03', 'R2'],
              ['s3', '06', 'R1'],
            ],
          );
          const s3 = await s.getDocument('s3');
          assert.equal(s3?.messageType, 'status');
          assert.equal(s3?.responseForDocId, 'd1');
          assert.equal(s3?.responseForOrganId, 'S');
          assert.equal(s3?.businessType, undefined);
          const r1 = (await s.getDeliveries('d1')).find((d) => d.recipient === 'R1')!;
          assert.equal(r1.lastStatus, '06');
          assert.equal(r1.lastStatusAt?.getTime(), later(3).getTime());
          assert.deepEqual(
            (await s.listInbox({ recipients: ['S'], messageType: 'status', states: ['pending'], limit: 10 })).map(
              (r) => r.document.docId,
            ),
            ['s1', 's2', 's3'],
          );
          assert.deepEqual(await s.listStatusReports('s1'), []);
        },
      );

      withStore('sent: newest first, paged before a seq, by type and DocId', async (o) => {
        const s = o.store;
        for (let i = 0; i < 4; i++) await intake(s, doc(`d${i}`, 'S'), ['R']);
        await intake(s, doc('t0', 'T'), ['R']);
        await intake(s, statusDoc('s0', 'S', 'd0', '03'), ['R']);
        const q = { senders: ['S'], messageType: 'edoc' as const };
        const p1 = await s.listSent({ ...q, limit: 3 });
        assert.deepEqual(
          p1.map((d) => d.docId),
          ['d3', 'd2', 'd1'],
        );
        assert.deepEqual(
          (await s.listSent({ ...q, limit: 3, beforeSeq: p1[2]!.seq })).map((d) => d.docId),
          ['d0'],
        );
        assert.deepEqual(
          (await s.listSent({ ...q, senders: ['S', 'T'], limit: 2 })).map((d) => d.docId),
          ['t0', 'd3'],
        );
        assert.deepEqual(
          (await s.listSent({ ...q, docId: 'd2', limit: 10 })).map((d) => d.docId),
          ['d2'],
        );
        assert.deepEqual(
          (await s.listSent({ ...q, messageType: 'status', limit: 10 })).map((d) => d.docId),
          ['s0'],
        );
        assert.deepEqual(await s.listSent({ ...q, senders: [], limit: 10 }), []);
      });
    });

    describe('statistics and attachment inspection', () => {
      withStore('attachment inspection: the queue, one verdict per content, attachments marked', async (o) => {
        const s = o.store;
        await intake(s, doc('d1', 'S'), ['R']);
        await intake(s, doc('d2', 'S'), ['R']);
        await s.insertAttachments([
          { docId: 'd2', index: 0, size: 10, sha256: 'pdf', blobKey: 'pdf' },
          { docId: 'd2', index: 1, size: 10, sha256: 'zip', blobKey: 'zip' },
        ]);
        await s.insertAttachments([{ docId: 'd1', index: 0, size: 10, sha256: 'pdf', blobKey: 'pdf' }]);
        assert.deepEqual(
          (await s.listUninspectedAttachments(10)).map((a) => `${a.docId}/${a.index}`),
          ['d1/0', 'd2/0', 'd2/1'],
        );
        assert.equal(await s.countUninspectedAttachments(), 3);
        assert.deepEqual(
          (await s.listUninspectedAttachments(1)).map((a) => [a.docId, a.index, a.sha256, a.blobKey, a.size]),
          [['d1', 0, 'pdf', 'pdf', 10]],
        );
        const verdict: AttachmentInspectionRecord = {
          sha256: 'pdf',
          outcome: 'signed',
          format: 'pdf',
          reasons: [],
          checkedAt: later(1),
          signatures: [
            {
              status: 'valid',
              coversWholeDocument: true,
              subFilter: 'ETSI.CAdES.detached',
              signer: { subject: 'CN=A', serialNumber: '01', fingerprint256: 'aa', agencyCode: '000.00.00.G22' },
              signingTime: later(-1000),
              signingTimeSource: 'cms',
              algorithm: 'rsa-pkcs1-sha256',
              digestAlgorithm: 'sha256',
              weak: false,
              reasons: [],
            },
            {
              status: 'invalid',
              coversWholeDocument: false,
              weak: true,
              reasons: [{ code: 'x', message: 'y', severity: 'error' }],
            },
          ],
        };
        await s.transaction((tx) => tx.saveAttachmentInspections([verdict]));
        // a second verdict on the same content keeps the first
        await s.transaction((tx) =>
          tx.saveAttachmentInspections([{ ...verdict, outcome: 'unsigned', signatures: [] }]),
        );
        assert.deepEqual(await s.getAttachmentInspections(['pdf', 'none']), [verdict]);
        assert.deepEqual(await s.getAttachmentInspections([]), []);
        assert.deepEqual(
          (await s.listUninspectedAttachments(10)).map((a) => `${a.docId}/${a.index}`),
          ['d2/1'],
        );
        assert.equal(await s.countUninspectedAttachments(), 1);
        await s.transaction((tx) =>
          tx.saveAttachmentInspections([
            {
              sha256: 'zip',
              outcome: 'not-inspected',
              format: 'zip',
              entryName: 'a.txt',
              reasons: [],
              checkedAt: later(2),
              signatures: [],
            },
          ]),
        );
        assert.deepEqual(await s.listUninspectedAttachments(10), []);
        assert.equal(await s.countUninspectedAttachments(), 0);
        assert.equal((await s.getAttachmentInspections(['zip']))[0]?.entryName, 'a.txt');
      });

      withStore('attachment inspection: a batch of verdicts in one call, a verdict stored first kept', async (o) => {
        const s = o.store;
        await intake(s, doc('d1', 'S'), ['R']);
        await s.insertAttachments([
          { docId: 'd1', index: 0, size: 10, sha256: 'old', blobKey: 'old' },
          { docId: 'd1', index: 1, size: 10, sha256: 'new', blobKey: 'new' },
          { docId: 'd1', index: 2, size: 10, sha256: 'new', blobKey: 'new' },
          { docId: 'd1', index: 3, size: 10, sha256: 'other', blobKey: 'other' },
        ]);
        const first: AttachmentInspectionRecord = {
          sha256: 'old',
          outcome: 'unsigned',
          format: 'pdf',
          reasons: [],
          checkedAt: later(1),
          signatures: [],
        };
        // a verdict stored already (by another node, or an earlier batch)
        await s.transaction((tx) => tx.saveAttachmentInspections([first]));
        const fresh: AttachmentInspectionRecord = {
          sha256: 'new',
          outcome: 'signed',
          format: 'pdf',
          reasons: [],
          checkedAt: later(2),
          signatures: [
            { status: 'valid', coversWholeDocument: true, weak: false, reasons: [] },
            { status: 'invalid', coversWholeDocument: false, weak: false, reasons: [] },
          ],
        };
        await s.transaction((tx) =>
          tx.saveAttachmentInspections([{ ...first, outcome: 'signed', checkedAt: later(3) }, fresh]),
        );
        const bySha = new Map((await s.getAttachmentInspections(['new', 'old'])).map((r) => [r.sha256, r]));
        assert.deepEqual(bySha.get('old'), first, 'the verdict stored first is kept');
        assert.deepEqual(bySha.get('new'), fresh);
        assert.deepEqual(
          (await s.listUninspectedAttachments(10)).map((a) => `${a.docId}/${a.index}`),
          ['d1/3'],
          "every attachment with the batch's contents is marked, the others are not",
        );
        await s.transaction((tx) => tx.saveAttachmentInspections([]));
        assert.equal(await s.countUninspectedAttachments(), 1);
      });

      withStore('signature statistics per sender, PDF-signed documents included', async (o) => {
        const s = o.store;
        const verdict = (docId: string, status: SignatureRecord['status'], weak = false): SignatureRecord => ({
          docId,
          status,
          weak,
          policy: 'report',
          reasons: [],
          checkedAt: now,
        });
        for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) await intake(s, doc(id, 'A'), ['R']);
        await intake(s, doc('b1', 'B'), ['R']);
        await intake(s, statusDoc('st', 'A', 'b1', '03'), ['B']);
        await s.insertSignature(verdict('a1', 'valid'));
        await s.insertSignature(verdict('a2', 'valid', true));
        await s.insertSignature(verdict('a3', 'invalid'));
        await s.insertSignature(verdict('a4', 'absent'));
        await s.insertSignature(verdict('b1', 'indeterminate'));
        await s.insertAttachments([{ docId: 'a5', index: 0, size: 1, sha256: 'p', blobKey: 'p' }]);
        await s.transaction((tx) =>
          tx.saveAttachmentInspections([
            {
              sha256: 'p',
              outcome: 'signed',
              format: 'pdf',
              reasons: [],
              checkedAt: now,
              signatures: [{ status: 'valid', coversWholeDocument: true, weak: false, reasons: [] }],
            },
          ]),
        );
        assert.deepEqual(await s.signatureStats(), [
          {
            sender: 'A',
            documents: 5,
            valid: 2,
            weak: 1,
            invalid: 1,
            indeterminate: 0,
            absent: 1,
            unchecked: 1,
            pdfSigned: 1,
          },
          {
            sender: 'B',
            documents: 1,
            valid: 0,
            weak: 0,
            invalid: 0,
            indeterminate: 1,
            absent: 0,
            unchecked: 0,
            pdfSigned: 0,
          },
        ]);
        assert.equal(await s.countDocuments(), 7);
      });
    });

    describe('audit', () => {
      withStore('the hash chain: gap-free ids from 1, each entry linked to the one before', async (o) => {
        const s = o.store;
        assert.equal(await s.auditHead(), undefined);
        const a = await s.appendAudit({ at: now, actor: 'x', action: 'accept', outcome: 'ok', payload: '{"a":1}' });
        assert.equal(a.id, 1);
        assert.equal(a.prevHash, GENESIS_HASH);
        const b = await s.appendAudit({
          at: later(1),
          actor: 'y',
          action: 'refuse',
          subject: 'd1',
          outcome: 'refused',
          reason: 'r',
          requestId: 'req-1',
          payload: '{"b":"ư"}',
        });
        await s.transaction(async (tx) => {
          await recordAudit(tx, { actor: 'admin', action: 'agency-add', subject: 'X' });
          await recordAudit(tx, { actor: 'admin', action: 'agency-enable', subject: 'X' });
        });
        const entries = await allAudit(s);
        assertChain(entries);
        assert.equal(entries.length, 4);
        assert.deepEqual(entries[1], b);
        assert.deepEqual(await s.auditHead(), { id: 4, hash: entries[3]!.hash });
        assert.deepEqual(
          (await s.listAudit(1, 2)).map((e) => e.id),
          [2, 3],
        );
      });

      withStore('the audit log and its checkpoints are append-only in the database itself', async (o) => {
        const s = o.store;
        await s.appendAudit({ at: now, actor: 'x', action: 'accept', outcome: 'ok', payload: '{}' });
        await s.insertAuditCheckpoint({ seq: 1, hash: 'h', at: now, jws: 'j' });
        await assert.rejects(o.sql("UPDATE audit_log SET actor = 'y'"), /append-only/);
        await assert.rejects(o.sql('DELETE FROM audit_log'), /append-only/);
        await assert.rejects(o.sql("UPDATE audit_checkpoints SET hash = 'y'"), /append-only/);
        await assert.rejects(o.sql('DELETE FROM audit_checkpoints'), /append-only/);
        assert.equal((await s.listAudit(0, 10)).length, 1);
        assert.equal((await s.listAuditCheckpoints()).length, 1);
      });

      withStore('checkpoints: one per seq (a second is ignored), oldest first, the latest', async (o) => {
        const s = o.store;
        assert.equal(await s.latestAuditCheckpoint(), undefined);
        assert.deepEqual(await s.listAuditCheckpoints(), []);
        const c5 = { seq: 5, hash: 'h5', at: now, jws: 'j5' };
        const c9 = { seq: 9, hash: 'h9', at: later(1), jws: 'j9' };
        await s.insertAuditCheckpoint(c9);
        await s.insertAuditCheckpoint(c5);
        await s.insertAuditCheckpoint({ ...c5, hash: 'other', jws: 'other' });
        assert.deepEqual(await s.listAuditCheckpoints(), [c5, c9]);
        assert.deepEqual(await s.latestAuditCheckpoint(), c9);
      });

      withStore('concurrent appends from one store stay one linear chain', async (o) => {
        const s = o.store;
        await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            i % 2 === 0
              ? recordAudit(s, { actor: 'a', action: 'fetch', subject: `d${i}` })
              : s.transaction((tx) => recordAudit(tx, { actor: 'b', action: 'ack', subject: `d${i}` })),
          ),
        );
        const entries = await allAudit(s);
        assert.equal(entries.length, 40);
        assertChain(entries);
      });

      withStore(
        'transactions rolled back after appending leave one gap-free chain and the counter at its head',
        async (o) => {
          const s = o.store;
          const counter = async () =>
            Number((await o.sql("SELECT value FROM counters WHERE name = 'audit_id'"))[0]?.['value']);
          // one batch (or several) of transactions appending one or two entries each; every third one fails after
          // appending, so it must leave neither its entries nor its ids behind
          const outcomes = await Promise.allSettled(
            Array.from({ length: 30 }, (_, i) =>
              s.transaction(async (tx) => {
                await recordAudit(tx, { actor: 'a', action: 'fetch', subject: `d${i}` });
                if (i % 2 === 0) await recordAudit(tx, { actor: 'a', action: 'ack', subject: `d${i}` });
                if (i % 3 === 1) throw new Error(`refused ${i}`);
              }),
            ),
          );
          assert.equal(outcomes.filter((r) => r.status === 'rejected').length, 10);
          let entries = await allAudit(s);
          assert.equal(entries.length, 30);
          assertChain(entries);
          assert.deepEqual(
            entries.filter((e) => e.action === 'fetch').map((e) => e.subject),
            Array.from({ length: 30 }, (_, i) => `d${i}`).filter((_, i) => i % 3 !== 1),
          );
          assert.equal(await counter(), 30);
          // the failing one last in its batch, and alone: the next append still follows the head
          await assert.rejects(
            s.transaction(async (tx) => {
              await recordAudit(tx, { actor: 'a', action: 'fetch', subject: 'x' });
              throw new Error('refused');
            }),
          );
          await s.appendAudit({ at: now, actor: 'b', action: 'accept', outcome: 'ok', payload: '{}' });
          entries = await allAudit(s);
          assert.equal(entries.length, 31);
          assertChain(entries);
          assert.equal(await counter(), 31);
        },
      );
    });

    // ---- console (migration 009) ----
    describe('console accounts', () => {
      withStore('accounts: unique usernames, patches, lock-out fields, listing by username', async (o) => {
        const s = o.store;
        const base = {
          passwordHash: 'scrypt$32768$8$1$c2FsdA$aGFzaA',
          displayName: 'Văn thư A',
          disabled: false,
          failedCount: 0,
          createdAt: now,
          updatedAt: now,
        };
        await s.insertConsoleAccount({ ...base, id: 'id-b', username: 'vanthu.b', role: 'clerk', agencyCode: 'B' });
        await s.insertConsoleAccount({ ...base, id: 'id-a', username: 'admin', role: 'national_operator' });
        await assert.rejects(
          s.insertConsoleAccount({ ...base, id: 'id-c', username: 'admin', role: 'auditor' }),
          'a username is unique',
        );
        assert.deepEqual(
          (await s.listConsoleAccounts()).map((a) => a.username),
          ['admin', 'vanthu.b'],
        );
        const b = await s.getConsoleAccountByUsername('vanthu.b');
        assert.equal(b?.agencyCode, 'B');
        assert.equal(b?.role, 'clerk');
        assert.equal(b?.lockedUntil, undefined);
        assert.equal((await s.getConsoleAccount('id-a'))?.agencyCode, undefined);
        await s.updateConsoleAccount('id-b', { failedCount: 5, lockedUntil: later(900_000), updatedAt: later(1) });
        const locked = await s.getConsoleAccount('id-b');
        assert.equal(locked?.failedCount, 5);
        assert.equal(locked?.lockedUntil?.getTime(), later(900_000).getTime());
        assert.equal(locked?.updatedAt.getTime(), later(1).getTime());
        await s.updateConsoleAccount('id-b', {
          failedCount: 0,
          lockedUntil: null,
          disabled: true,
          updatedAt: later(2),
        });
        const reset = await s.getConsoleAccount('id-b');
        assert.equal(reset?.lockedUntil, undefined);
        assert.equal(reset?.disabled, true);
        assert.equal(reset?.passwordHash, base.passwordHash);
        assert.equal(await s.getConsoleAccountByUsername('nobody'), undefined);
      });

      withStore('sessions: by hashed id, touch, delete one, all of an account, expired ones', async (o) => {
        const s = o.store;
        const session = (id: string, accountId: string, expiresAt: Date) => ({
          id,
          accountId,
          csrfToken: `csrf-${id}`,
          createdAt: now,
          expiresAt,
          lastSeenAt: now,
        });
        await s.insertConsoleSession(session('s1', 'a1', later(3_600_000)));
        await s.insertConsoleSession(session('s2', 'a1', later(3_600_000)));
        await s.insertConsoleSession(session('s3', 'a2', later(10)));
        await s.touchConsoleSession('s1', later(5));
        assert.equal((await s.getConsoleSession('s1'))?.lastSeenAt.getTime(), later(5).getTime());
        assert.equal((await s.getConsoleSession('s1'))?.csrfToken, 'csrf-s1');
        assert.equal(await s.deleteExpiredConsoleSessions(later(10)), 1);
        assert.equal(await s.getConsoleSession('s3'), undefined);
        await s.deleteConsoleSession('s2');
        assert.equal(await s.getConsoleSession('s2'), undefined);
        assert.equal(await s.deleteConsoleSessionsOf('a1'), 1);
        assert.equal(await s.getConsoleSession('s1'), undefined);
      });

      withStore('read marks per account; signing keys replaced in place', async (o) => {
        const s = o.store;
        await s.markConsoleRead('a1', ['d1', 'd2'], now);
        await s.markConsoleRead('a1', ['d2', 'd3'], later(1));
        assert.deepEqual([...(await s.consoleReads('a1', ['d1', 'd3', 'd4']))].sort(), ['d1', 'd3']);
        assert.equal((await s.consoleReads('a2', ['d1'])).size, 0);
        assert.equal((await s.consoleReads('a1', [])).size, 0);
        await s.putAgencySigningKey({ agencyCode: 'A', keySealed: 'v1.x', certificate: 'PEM1', createdAt: now });
        await s.putAgencySigningKey({ agencyCode: 'A', keySealed: 'v1.y', certificate: 'PEM2', createdAt: later(1) });
        const k = await s.getAgencySigningKey('A');
        assert.equal(k?.keySealed, 'v1.y');
        assert.equal(k?.certificate, 'PEM2');
        assert.equal(await s.getAgencySigningKey('B'), undefined);
      });
    });

    describe('several writers on one database', () => {
      withStore(
        'two nodes appending at once: one gap-free linear chain',
        async (o) => {
          const a = o.store;
          const b = await o.openAnother!();
          try {
            await Promise.all(
              Array.from({ length: 60 }, (_, i) =>
                recordAudit(i % 2 === 0 ? a : b, {
                  actor: i % 2 === 0 ? 'node-a' : 'node-b',
                  action: 'fetch',
                  subject: `${i}`,
                }),
              ),
            );
            const entries = await allAudit(a);
            assert.equal(entries.length, 60);
            assertChain(entries);
            assert.deepEqual(new Set(entries.map((e) => e.actor)), new Set(['node-a', 'node-b']));
          } finally {
            await b.close();
          }
        },
        { concurrent: true },
      );

      withStore(
        'two nodes taking packages at once: document, delivery and audit numbers gap-free and unique',
        async (o) => {
          const a = o.store;
          const b = await o.openAnother!();
          try {
            await Promise.all(
              Array.from({ length: 40 }, (_, i) =>
                intake(i % 2 === 0 ? a : b, doc(`d${i}`, `S${i % 3}`), ['R1', 'R2'], true),
              ),
            );
            const seqs = (await a.listSent({ senders: ['S0', 'S1', 'S2'], messageType: 'edoc', limit: 100 })).map(
              (d) => d.seq,
            );
            assert.deepEqual(
              seqs.sort((x, y) => x - y),
              Array.from({ length: 40 }, (_, i) => i + 1),
            );
            const inbox = await b.listInbox({
              recipients: ['R1', 'R2'],
              messageType: 'edoc',
              states: ['pending'],
              limit: 100,
            });
            assert.deepEqual(
              inbox.map((r) => r.delivery.seq),
              Array.from({ length: 80 }, (_, i) => i + 1),
            );
            // delivery seqs follow commit order: a document's deliveries are adjacent
            for (let i = 0; i < 80; i += 2) assert.equal(inbox[i]!.document.docId, inbox[i + 1]!.document.docId);
            const entries = await allAudit(b);
            assert.equal(entries.length, 40);
            assertChain(entries);
          } finally {
            await b.close();
          }
        },
        { concurrent: true },
      );

      withStore(
        'the same package taken by two nodes at once is stored once; the loser sees the winner',
        async (o) => {
          const a = o.store;
          const b = await o.openAnother!();
          try {
            for (let round = 0; round < 5; round++) {
              const sha = freshSha();
              const take = (s: Store, docId: string) =>
                s.transaction(async (tx) => {
                  const earlier = await tx.findDocumentBySha('S', sha);
                  if (earlier) return { duplicateOf: earlier.docId };
                  await tx.insertDocument(doc(docId, 'S', { sha256: sha }));
                  await tx.insertDelivery(docId, 'R', now);
                  await recordAudit(tx, { actor: 'S', action: 'accept', subject: docId });
                  return { duplicateOf: undefined };
                });
              const [ra, rb] = await Promise.all([take(a, `a${round}`), take(b, `b${round}`)]);
              const winners = [ra, rb].filter((r) => r.duplicateOf === undefined);
              assert.equal(winners.length, 1, 'exactly one node stores the package');
              const stored = await a.findDocumentBySha('S', sha);
              assert.equal([ra, rb].find((r) => r.duplicateOf)?.duplicateOf, stored?.docId);
            }
            assert.equal(await a.countDocuments(), 5);
            assertChain(await allAudit(a));
          } finally {
            await b.close();
          }
        },
        { concurrent: true },
      );

      withStore(
        'directory versions from two nodes are unique and increasing',
        async (o) => {
          const a = o.store;
          const b = await o.openAnother!();
          try {
            const added = await Promise.all(
              Array.from({ length: 20 }, (_, i) =>
                (i % 2 === 0 ? a : b).insertAgency(agency(`A${String(i).padStart(2, '0')}`), now),
              ),
            );
            assert.deepEqual(
              added.map((x) => x.version).sort((x, y) => x - y),
              Array.from({ length: 20 }, (_, i) => i + 1),
            );
            const updated = await Promise.all(
              added.map((x, i) => (i % 2 === 0 ? b : a).updateAgency(x.code, { name: `renamed ${i}` }, now)),
            );
            assert.deepEqual(
              updated.map((x) => x!.version).sort((x, y) => x - y),
              Array.from({ length: 20 }, (_, i) => i + 21),
            );
          } finally {
            await b.close();
          }
        },
        { concurrent: true },
      );
    });
    // ── Webhooks: push delivery (migration 007) ──────────────────────────────────────────────────────
    describe('webhooks', () => {
      const hook = (agency: string, events: Array<'edoc' | 'status'> = ['edoc', 'status']) => ({
        agency,
        url: `https://${agency}.example/hook`,
        events,
        secretSealed: `sealed-${agency}`,
      });
      let ids = 0;
      const newId = () => `n${String(++ids).padStart(6, '0')}`;
      const HOUR = 3_600_000;

      withStore('register, change and delete; only deliveries after the registration are notified', async (o) => {
        const s = o.store;
        await s.insertAgency(agency('R1'), now);
        await s.insertAgency(agency('R2'), now);
        await s.insertAgency(agency('S'), now);
        await intake(s, doc('before', 'S'), ['R1']);
        const w = await s.transaction((tx) => tx.putWebhook(hook('R1', ['edoc']), now));
        assert.equal(w.fromSeq, 1, 'the deliveries there already are not pushed');
        assert.deepEqual(w.events, ['edoc']);
        const changed = await s.transaction((tx) =>
          tx.putWebhook({ ...hook('R1'), url: 'http://x.example/2' }, later(5)),
        );
        assert.equal(changed.fromSeq, 1, 'a change keeps the starting point');
        assert.equal(changed.createdAt.getTime(), now.getTime());
        assert.equal(changed.updatedAt.getTime(), later(5).getTime());
        assert.equal(changed.url, 'http://x.example/2');
        assert.deepEqual(await s.listWebhookOwners(), ['R1']);

        await intake(s, doc('after', 'S'), ['R1', 'R2']);
        await intake(s, statusDoc('st', 'R2', 'after', '03'), ['R1']);
        // the cursor starts where migration 007 found the deliveries (none here): 'before' is scanned too
        assert.equal(await s.webhookCursorLag(), 4);
        const r = await s.transaction((tx) => tx.deriveWebhookNotifications(100, later(10), HOUR, newId));
        assert.deepEqual(r, { scanned: 4, created: 2 }, 'before the webhook, or to R2 (none): scanned, not notified');
        assert.equal(await s.webhookCursorLag(), 0);
        const again = await s.transaction((tx) => tx.deriveWebhookNotifications(100, later(10), HOUR, newId));
        assert.deepEqual(again, { scanned: 0, created: 0 }, 'the cursor moved past them');
        const list = await s.listWebhookNotifications({ limit: 10 });
        assert.deepEqual(
          list.map((n) => [n.docId, n.recipient, n.agency, n.type, n.state, n.attempts]),
          [
            ['after', 'R1', 'R1', 'edoc', 'pending', 0],
            ['st', 'R1', 'R1', 'status', 'pending', 0],
          ],
        );
        assert.equal(list[0]!.expiresAt.getTime(), later(10).getTime() + HOUR);

        assert.equal(await s.transaction((tx) => tx.deleteWebhook('R1')), true);
        assert.equal(await s.deleteWebhook('R1'), false);
        assert.equal(await s.getWebhook('R1'), undefined);
      });

      withStore(
        'a tenant’s webhook covers its units; acknowledged or withdrawn deliveries are not derived',
        async (o) => {
          const s = o.store;
          await s.insertAgency(agency('T', { isTenant: true, level: 0 }), now);
          await s.insertAgency(agency('U1', { tenantId: 'T' }), now);
          await s.insertAgency(agency('S'), now);
          await s.transaction((tx) => tx.putWebhook(hook('T', ['edoc']), now));
          await intake(s, doc('d1', 'S'), ['U1', 'T']);
          await intake(s, doc('d2', 'S'), ['U1']);
          await s.updateDelivery('d2', 'U1', { state: 'done', updatedAt: now });
          await s.transaction((tx) => tx.deriveWebhookNotifications(1, now, HOUR, newId));
          await s.transaction((tx) => tx.deriveWebhookNotifications(100, now, HOUR, newId));
          const list = await s.listWebhookNotifications({ limit: 10 });
          assert.deepEqual(list.map((n) => [n.docId, n.recipient, n.agency]).sort(), [
            ['d1', 'T', 'T'],
            ['d1', 'U1', 'T'],
          ]);
        },
      );

      withStore(
        'claim leases due notifications; outcomes only by the claim holder; dead letters and retry',
        async (o) => {
          const s = o.store;
          await s.insertAgency(agency('R'), now);
          await s.insertAgency(agency('S'), now);
          await s.transaction((tx) => tx.putWebhook(hook('R'), now));
          for (const d of ['a', 'b', 'c']) await intake(s, doc(d, 'S'), ['R']);
          await s.transaction((tx) => tx.deriveWebhookNotifications(100, now, HOUR, newId));

          const first = await s.transaction((tx) => tx.claimWebhookNotifications(2, now, later(1000), 'c1'));
          assert.equal(first.length, 2);
          assert.ok(first.every((n) => n.attempts === 1 && n.nextAttemptAt?.getTime() === later(1000).getTime()));
          const second = await s.transaction((tx) => tx.claimWebhookNotifications(10, now, later(1000), 'c2'));
          assert.deepEqual(
            second.map((n) => n.docId),
            ['a', 'b', 'c'].filter((d) => !first.some((n) => n.docId === d)),
            'leased ones are not claimed again',
          );
          assert.equal(
            (await s.transaction((tx) => tx.claimWebhookNotifications(10, later(999), later(2000), 'c3'))).length,
            0,
          );
          const [sent, failing] = first;
          assert.equal(
            await s.finishWebhookNotification(sent!.id, 'c2', { state: 'sent', at: now }),
            false,
            'not c2’s',
          );
          assert.equal(
            await s.finishWebhookNotification(sent!.id, 'c1', { state: 'sent', at: later(5), status: 204 }),
            true,
          );
          assert.equal(
            await s.finishWebhookNotification(sent!.id, 'c1', { state: 'dead', at: later(6) }),
            false,
            'final',
          );
          assert.equal(
            await s.finishWebhookNotification(failing!.id, 'c1', {
              state: 'pending',
              at: later(5),
              nextAttemptAt: later(500),
              status: 500,
              error: 'answered HTTP 500',
            }),
            true,
          );
          // c2's holder died: its lease ends at later(1000), then anyone may claim it
          const retaken = await s.transaction((tx) => tx.claimWebhookNotifications(10, later(1000), later(3000), 'c4'));
          assert.deepEqual(
            retaken.map((n) => [n.id, n.attempts]).sort(),
            [
              [failing!.id, 2],
              [second[0]!.id, 2],
            ].sort(),
          );
          const stats = await s.webhookQueueStats(later(1000));
          assert.equal(stats.pending, 2);
          assert.equal(stats.due, 0, 'both leased');
          for (const n of retaken) {
            assert.equal(
              await s.finishWebhookNotification(n.id, 'c4', { state: 'dead', at: later(1500), error: 'x' }),
              true,
            );
          }
          const dead = await s.listWebhookNotifications({ states: ['dead'], limit: 10 });
          assert.equal(dead.length, 2);
          assert.equal(dead[0]!.lastError, 'x');
          assert.deepEqual(await s.webhookQueueStats(later(2000)), { pending: 0, due: 0, dead: 2 });
          assert.equal(await s.retryWebhookNotifications({ ids: [dead[0]!.id] }, later(2000), HOUR), 1);
          assert.equal(
            await s.retryWebhookNotifications({ ids: [sent!.id] }, later(2000), HOUR),
            0,
            'only dead letters',
          );
          const stats2 = await s.webhookQueueStats(later(2000));
          assert.equal(stats2.pending, 1);
          assert.equal(stats2.due, 1);
          assert.equal(stats2.dead, 1);
          assert.equal(stats2.oldestDueAt?.getTime(), later(2000).getTime());
          const back = await s.transaction((tx) => tx.claimWebhookNotifications(10, later(2000), later(4000), 'c5'));
          assert.deepEqual(
            back.map((n) => [n.id, n.attempts, n.expiresAt.getTime()]),
            [[dead[0]!.id, 3, later(2000).getTime() + HOUR]],
          );
          assert.equal(await s.retryWebhookNotifications({}, later(2000), HOUR), 1, 'all the others');
        },
      );

      withStore(
        'two nodes deriving and claiming at once: each notification once, each claim by one node',
        async (o) => {
          const a = o.store;
          const b = await o.openAnother!();
          try {
            await a.insertAgency(agency('R'), now);
            await a.insertAgency(agency('S'), now);
            await a.transaction((tx) => tx.putWebhook(hook('R'), now));
            for (let i = 0; i < 40; i++) await intake(a, doc(`d${i}`, 'S'), ['R']);
            await Promise.all(
              Array.from({ length: 8 }, (_, i) =>
                (i % 2 ? a : b).transaction((tx) => tx.deriveWebhookNotifications(7, now, HOUR, newId)),
              ),
            );
            while ((await a.webhookCursorLag()) > 0) {
              await a.transaction((tx) => tx.deriveWebhookNotifications(100, now, HOUR, newId));
            }
            assert.equal((await a.listWebhookNotifications({ limit: 100 })).length, 40);
            const claims = await Promise.all(
              Array.from({ length: 10 }, (_, i) =>
                (i % 2 ? a : b).transaction((tx) => tx.claimWebhookNotifications(5, now, later(60_000), `k${i}`)),
              ),
            );
            const claimed = claims.flat().map((n) => n.id);
            assert.equal(claimed.length, 40, 'every one claimed');
            assert.equal(new Set(claimed).size, 40, 'by one node only');
          } finally {
            await b.close();
          }
        },
        { concurrent: true },
      );
    });

    // ---- federation (migration 008) ----
    describe('federation', () => {
      withStore('agency routes: remote agencies are upserted, listed for sync except back to their link', async (o) => {
        const s = o.store;
        await s.insertAgency(agency('LOCAL'), now);
        const remote = (code: string, via: string, extra: Record<string, unknown> = {}) => ({
          code,
          name: `Agency ${code}`,
          level: 1,
          enabled: true,
          deleted: false,
          servedBy: `hub.of.${code}`,
          via,
          ...extra,
        });
        assert.equal(await s.transaction((tx) => tx.upsertRemoteAgency(remote('R1', 'hub.parent'), now)), 'inserted');
        assert.equal(await s.transaction((tx) => tx.upsertRemoteAgency(remote('R2', 'hub.child'), now)), 'inserted');
        assert.equal(await s.transaction((tx) => tx.upsertRemoteAgency(remote('R1', 'hub.parent'), now)), 'unchanged');
        // a peer cannot take over an agency this hub serves
        assert.equal(await s.transaction((tx) => tx.upsertRemoteAgency(remote('LOCAL', 'hub.child'), now)), 'local');
        const routes = await s.getAgencyRoutes(['LOCAL', 'R1', 'R2', 'NONE']);
        assert.deepEqual(Object.fromEntries(routes), {
          R1: { servedBy: 'hub.of.R1', via: 'hub.parent' },
          R2: { servedBy: 'hub.of.R2', via: 'hub.child' },
        });
        // what the child may learn: everything but what it told us, oldest version first
        const toChild = await s.listDirectoryChanges(0, 'hub.child', 100);
        assert.deepEqual(
          toChild.map((c) => [c.agency.code, c.route?.servedBy]),
          [
            ['LOCAL', undefined],
            ['R1', 'hub.of.R1'],
          ],
        );
        const v = toChild[0]!.agency.version;
        assert.deepEqual(
          (await s.listDirectoryChanges(v, 'hub.child', 100)).map((c) => c.agency.code),
          ['R1'],
        );
        // a change moves the agency to a newer version; a deletion is listed too
        assert.equal(
          await s.transaction((tx) => tx.upsertRemoteAgency(remote('R1', 'hub.parent', { deleted: true }), later(1))),
          'updated',
        );
        const after = await s.listDirectoryChanges(0, 'hub.child', 100);
        assert.deepEqual(
          after.map((c) => [c.agency.code, c.agency.deleted]),
          [
            ['LOCAL', false],
            ['R1', true],
          ],
        );
        assert.equal(await s.getFederationCursor('hub.parent'), 0);
        await s.setFederationCursor('hub.parent', 42, now);
        await s.setFederationCursor('hub.parent', 43, later(1));
        assert.equal(await s.getFederationCursor('hub.parent'), 43);
      });

      withStore(
        'outbox: seq in commit order per link, state changes, summary; inbound and seen messages',
        async (o) => {
          const s = o.store;
          await s.insertAgency(agency('S'), now);
          await intake(s, doc('d1', 'S'), []);
          const seqs = await s.transaction((tx) =>
            tx.enqueueOutbox(
              [
                { peer: 'hub.a', kind: 'package', docId: 'd1', recipients: ['X', 'Y'] },
                { peer: 'hub.b', kind: 'package', docId: 'd1', recipients: ['Z'] },
              ],
              now,
            ),
          );
          const [ack] = await s.transaction((tx) =>
            tx.enqueueOutbox(
              [{ peer: 'hub.a', kind: 'ack', docId: 'd1', recipients: ['X'], payload: { id: 'm1' } }],
              later(5),
            ),
          );
          assert.ok(seqs[0]! < seqs[1]! && seqs[1]! < ack!);
          const waiting = await s.listWaitingOutbox('hub.a', 10);
          assert.deepEqual(
            waiting.map((w) => [w.seq, w.kind, w.recipients, w.payload ?? null]),
            [
              [seqs[0], 'package', ['X', 'Y'], null],
              [ack, 'ack', ['X'], { id: 'm1' }],
            ],
          );
          await s.updateOutbox(seqs[0]!, { state: 'sent', doneAt: later(9), remoteDocId: 'r1', attempts: 1 });
          assert.deepEqual(
            (await s.listWaitingOutbox('hub.a', 10)).map((w) => w.seq),
            [ack],
          );
          await s.updateOutbox(ack!, { attempts: 3, nextAttemptAt: later(100), lastError: 'refused' });
          const [retried] = await s.listWaitingOutbox('hub.a', 10);
          assert.equal(retried!.attempts, 3);
          assert.equal(retried!.nextAttemptAt.getTime(), later(100).getTime());
          assert.equal(retried!.lastError, 'refused');
          assert.deepEqual(await s.outboxSummary(), [
            { peer: 'hub.a', waiting: 1, oldestWaitingAt: later(5), dead: 0, sent: 1 },
            { peer: 'hub.b', waiting: 1, oldestWaitingAt: now, dead: 0, sent: 0 },
          ]);

          await s.recordLinkResult('hub.a', true, now);
          await s.recordLinkResult('hub.a', false, later(1), 'boom');
          await s.recordLinkResult('hub.a', true, later(2));
          assert.deepEqual(await s.listLinkStats(), [
            {
              peer: 'hub.a',
              successes: 2,
              failures: 1,
              lastSuccessAt: later(2),
              lastFailureAt: later(1),
              lastError: 'boom',
            },
          ]);

          await s.insertInbound('d1', { peer: 'hub.a', remoteDocId: 'remote-1', path: ['hub.z'] });
          assert.deepEqual(await s.getInbound('d1'), { peer: 'hub.a', remoteDocId: 'remote-1', path: ['hub.z'] });
          assert.equal(await s.findInbound('hub.a', 'remote-1'), 'd1');
          assert.equal(await s.findInbound('hub.b', 'remote-1'), undefined);
          await assert.rejects(s.insertInbound('d1', { peer: 'hub.a', remoteDocId: 'remote-2', path: [] }));

          assert.equal(await s.markLinkMessageSeen('hub.a', 'm1', now), true);
          assert.equal(await s.markLinkMessageSeen('hub.a', 'm1', now), false);
          assert.equal(await s.markLinkMessageSeen('hub.b', 'm1', now), true);
        },
      );

      withStore('link leases: one holder at a time, renewed by it, taken over once expired', async (o) => {
        const s = o.store;
        assert.equal(await s.acquireLinkLease('hub.a', 'node-1', now, 1000), true);
        assert.equal(await s.acquireLinkLease('hub.a', 'node-2', later(10), 1000), false);
        assert.equal(await s.acquireLinkLease('hub.b', 'node-2', later(10), 1000), true, 'another link is free');
        assert.equal(await s.acquireLinkLease('hub.a', 'node-1', later(500), 1000), true, 'renewed');
        assert.equal(await s.acquireLinkLease('hub.a', 'node-2', later(1200), 1000), false, 'the renewal holds');
        assert.equal(await s.acquireLinkLease('hub.a', 'node-2', later(1501), 1000), true, 'expired: taken over');
        assert.equal(await s.acquireLinkLease('hub.a', 'node-1', later(1600), 1000), false);
      });
    });

    // the operator console's statistics and searches (migration 010)
    statsContract({ withStore, doc, statusDoc, intake, agency, now });
  });
}
