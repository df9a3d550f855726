// Contract section `stats`: the operator console's pre-aggregated statistics and searches (migration
// 010), on every backend. Called from store-contract.ts with its helpers.

import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { NewAgencyRecord, NewDocumentRecord, SignatureRecord, Store } from '../store.js';
import type { OpenedStore } from './store-contract.js';

export interface StatsContractHelpers {
  withStore(name: string, fn: (o: OpenedStore) => Promise<void>, opts?: { concurrent?: boolean }): void;
  doc(docId: string, sender: string, extra?: Partial<NewDocumentRecord>): NewDocumentRecord;
  statusDoc(docId: string, sender: string, about: string, code: string, at?: Date): NewDocumentRecord;
  intake(s: Store, d: NewDocumentRecord, recipients: string[]): Promise<unknown>;
  agency(code: string, extra?: Partial<NewAgencyRecord>): NewAgencyRecord;
  now: Date;
}

const foldAll = async (s: Store) => {
  let total = 0;
  for (;;) {
    const r = await s.transaction((tx) => tx.foldStats(3));
    total += r.folded;
    if (r.folded === 0) return total;
  }
};

export function statsContract(h: StatsContractHelpers): void {
  const { withStore, doc, statusDoc, intake, agency, now } = h;
  // 2024-05-01T03:00Z is 10:00 on 1 May in Vietnam; 2024-05-01T18:00Z is already 2 May there
  const nextVietnamDay = new Date('2024-05-01T18:00:00Z');
  const valid = (docId: string): SignatureRecord => ({
    docId,
    status: 'valid',
    weak: false,
    policy: 'report',
    reasons: [],
    checkedAt: now,
  });
  const q = { fromDay: 20240501, toDay: 20240502, messageType: 'edoc' as const };

  describe('stats', () => {
    withStore(
      'folding counts each package once: sent, received, signed, status codes, levels, Vietnam days',
      async (o) => {
        const s = o.store;
        await s.insertAgency(agency('000.00.00.H53', { level: 1 }), now);
        await s.insertAgency(agency('000.00.01.H53', { level: 2 }), now);
        await intake(s, doc('a1', '000.00.00.H53', { subject: 'Quyết định về việc Đầu tư' }), ['000.00.01.H53', 'R']);
        await s.insertSignature(valid('a1'));
        await intake(s, doc('a2', '000.00.00.H53', { acceptedAt: nextVietnamDay }), ['000.00.01.H53']);
        assert.deepEqual(await s.statsProgress(), { cursor: 0, head: 2 });
        assert.equal(await foldAll(s), 2);
        for (const [i, code] of ['01', '02', '03', '04', '05', '05'].entries()) {
          await intake(s, statusDoc(`s${i}`, '000.00.01.H53', 'a1', code), ['000.00.00.H53']);
        }
        await intake(s, doc('a3', '000.00.01.H53'), ['000.00.00.H53']);
        assert.equal(await foldAll(s), 7, 'only the packages after the cursor');
        assert.equal(await foldAll(s), 0);
        assert.deepEqual(await s.statsProgress(), { cursor: 9, head: 9 });

        assert.deepEqual(await s.statsByAgency(q), [
          { agencyCode: '000.00.00.H53', sent: 2, sentSigned: 1, received: 1 },
          { agencyCode: '000.00.01.H53', sent: 1, sentSigned: 0, received: 2 },
          { agencyCode: 'R', sent: 0, sentSigned: 0, received: 1 },
        ]);
        const series = await s.statsSeries(q, 'day');
        const find = (bucket: number, level: number, direction: string) =>
          series.find((r) => r.bucket === bucket && r.level === level && r.direction === direction)?.count;
        assert.equal(find(20240501, 1, 'sent'), 1);
        assert.equal(find(20240502, 1, 'sent'), 1, 'accepted at 18:00 UTC is the next day in Vietnam');
        assert.equal(find(20240501, 2, 'received'), 1);
        assert.equal(find(20240501, 0, 'received'), 1, 'an unknown non-code recipient is level 0');
        const months = await s.statsSeries(q, 'month');
        assert.deepEqual(
          months.filter((r) => r.level === 1),
          [
            { bucket: 202405, level: 1, direction: 'received', count: 1 },
            { bucket: 202405, level: 1, direction: 'sent', count: 2 },
          ].sort((a, b) => (a.direction < b.direction ? -1 : 1)),
        );
        assert.deepEqual(
          await s.statsByAgency({ ...q, fromDay: 20240401, toDay: 20240630 }),
          await s.statsByAgency(q),
          'whole months (stats_monthly) give what the days give',
        );
        assert.deepEqual(
          (await s.statsSeries({ ...q, fromDay: 20240415, toDay: 20240531 }, 'month')).filter((r) => r.level === 1),
          months.filter((r) => r.level === 1),
        );
        assert.deepEqual(await s.statsByAgency({ ...q, levels: [2] }), [
          { agencyCode: '000.00.01.H53', sent: 1, sentSigned: 0, received: 2 },
        ]);
        assert.deepEqual(await s.statsByAgency({ ...q, agencies: [] }), []);
        assert.deepEqual(await s.statsByAgency({ ...q, fromDay: 20240503, toDay: 20240510 }), []);

        const codes = await s.statsStatusCodes();
        assert.deepEqual(
          codes.map((c) => [c.agencyCode, c.statusCode, c.count]),
          [
            ['000.00.01.H53', '01', 1],
            ['000.00.01.H53', '02', 1],
            ['000.00.01.H53', '03', 1],
            ['000.00.01.H53', '04', 1],
            ['000.00.01.H53', '05', 2],
          ],
        );
        assert.equal(codes[0]!.firstAt.getTime(), now.getTime());
        assert.deepEqual(await s.statsStatusCodes(['R']), []);
      },
    );

    withStore('agency last-seen keeps the later instant', async (o) => {
      const s = o.store;
      await s.touchAgencies([
        { code: 'A', at: new Date(2000) },
        { code: 'B', at: new Date(1000) },
      ]);
      await s.touchAgencies([
        { code: 'A', at: new Date(1000) },
        { code: 'B', at: new Date(3000) },
      ]);
      const seen = await s.agenciesLastSeen();
      assert.equal(seen.get('A')?.getTime(), 2000);
      assert.equal(seen.get('B')?.getTime(), 3000);
      assert.deepEqual([...(await s.agenciesLastSeen(['B'])).keys()], ['B']);
    });

    withStore('overdue acknowledgements: pending deliveries created before the deadline, per recipient', async (o) => {
      const s = o.store;
      await intake(s, doc('o1', 'S', { acceptedAt: new Date(now.getTime() - 48 * 3600e3) }), ['R1', 'R2']);
      await intake(s, doc('o2', 'S', { acceptedAt: new Date(now.getTime() - 30 * 3600e3) }), ['R1']);
      await intake(s, doc('o3', 'S'), ['R1']);
      await s.updateDelivery('o1', 'R2', { state: 'done', updatedAt: now });
      const before = new Date(now.getTime() - 24 * 3600e3);
      const r = await s.overdueDeliveries({ before, limit: 10 });
      assert.equal(r.total, 2);
      assert.deepEqual(
        r.byRecipient.map((x) => [x.recipient, x.count]),
        [['R1', 2]],
      );
      assert.equal(r.byRecipient[0]!.oldest.getTime(), now.getTime() - 48 * 3600e3);
      assert.equal((await s.overdueDeliveries({ before, recipients: ['R2'], limit: 10 })).total, 0);
    });

    withStore('overdue acknowledgements follow acknowledgements and the passing deadline', async (o) => {
      const s = o.store;
      const hour = 3600e3;
      const at = (h: number) => new Date(now.getTime() - h * hour);
      await intake(s, doc('p1', 'S', { acceptedAt: at(30) }), ['R1', 'R2', 'R3']);
      await intake(s, doc('p2', 'S', { acceptedAt: at(20) }), ['R1', 'R2']);
      await intake(s, statusDoc('p3', 'R1', 'p1', '03', at(26)), ['S']);
      const figures = async (before: Date, extra: { messageType?: 'edoc' | 'status'; recipients?: string[] } = {}) => {
        const r = await s.overdueDeliveries({ before, limit: 10, ...extra });
        return { total: r.total, by: r.byRecipient.map((x) => [x.recipient, x.count, x.oldest.getTime()]) };
      };
      // deadline 24 h: p1's three deliveries and the status to S are overdue, p2's are not yet
      assert.deepEqual(await figures(at(24)), {
        total: 4,
        by: [
          ['R1', 1, at(30).getTime()],
          ['R2', 1, at(30).getTime()],
          ['R3', 1, at(30).getTime()],
          ['S', 1, at(26).getTime()],
        ],
      });
      assert.deepEqual((await figures(at(24), { messageType: 'edoc' })).total, 3);
      assert.deepEqual((await figures(at(24), { messageType: 'status', recipients: ['S', 'R1'] })).by, [
        ['S', 1, at(26).getTime()],
      ]);
      // R1 and S acknowledge: they leave the count
      await s.updateDelivery('p1', 'R1', { state: 'processing', updatedAt: now });
      await s.updateDelivery('p3', 'S', { state: 'done', updatedAt: now });
      assert.deepEqual(await figures(at(24)), {
        total: 2,
        by: [
          ['R2', 1, at(30).getTime()],
          ['R3', 1, at(30).getTime()],
        ],
      });
      // four hours later (deadline at 20 h ago is passed by p2's deliveries): p2's pending ones are overdue
      // too, R1's acknowledged p1 stays out, R2 has two with the oldest first
      assert.deepEqual(await figures(at(20 - 1)), {
        total: 4,
        by: [
          ['R2', 2, at(30).getTime()],
          ['R1', 1, at(20).getTime()],
          ['R3', 1, at(30).getTime()],
        ],
      });
      assert.deepEqual((await figures(at(19), { recipients: [] })).total, 0);
      assert.deepEqual((await figures(at(19), { recipients: ['R3', 'X'] })).by, [['R3', 1, at(30).getTime()]]);
      // limit: the busiest recipients, the total stays whole
      const limited = await s.overdueDeliveries({ before: at(19), limit: 1 });
      assert.equal(limited.total, 4);
      assert.deepEqual(
        limited.byRecipient.map((x) => x.recipient),
        ['R2'],
      );
    });

    withStore(
      'console lists: most urgent, nearest due date, newest first; keyset pages; inbox and outbox',
      async (o) => {
        const s = o.store;
        // sent in this order (seq 1..6); the expected order is by priority desc, due date asc (none last), seq desc
        const sent: Array<[string, NewDocumentRecord['priority'], string | undefined]> = [
          ['c1', undefined, undefined],
          ['c2', 3, '2024/06/01'],
          ['c3', 0, '2024/05/20'],
          ['c4', 3, '2024/05/15'],
          ['c5', 3, undefined],
          ['c6', undefined, undefined],
        ];
        for (const [id, priority, dueDate] of sent) {
          await intake(
            s,
            doc(id, 'S', { ...(priority !== undefined ? { priority } : {}), ...(dueDate ? { dueDate } : {}) }),
            ['R1'],
          );
        }
        await intake(s, doc('c7', 'S2', { priority: 4 }), ['R2']);
        await intake(s, statusDoc('c8', 'S', 'c7', '03'), ['R1']);
        const expected = ['c4', 'c2', 'c5', 'c3', 'c6', 'c1'];
        const states = ['pending', 'processing', 'done', 'fail', 'withdrawn'] as const;
        const inbox = await s.listConsoleInbox({ recipients: ['R1'], states, messageType: 'edoc', limit: 10 });
        assert.deepEqual(
          inbox.map((r) => r.document.docId),
          expected,
        );
        assert.equal(inbox[0]!.delivery.recipient, 'R1');
        assert.equal(inbox[0]!.document.priority, 3);
        // pages of two, each after the last row's key, give the same order without a gap or a repeat
        const paged: string[] = [];
        let after: { priority: number; due: string; seq: number } | undefined;
        for (let i = 0; i < 5; i++) {
          const page = await s.listConsoleInbox({
            recipients: ['R1'],
            states,
            messageType: 'edoc',
            limit: 2,
            ...(after ? { after } : {}),
          });
          paged.push(...page.map((r) => r.document.docId));
          const last = page.at(-1);
          if (!last) break;
          after = {
            priority: last.document.priority ?? 0,
            due: last.document.dueDate ?? '9999-12-31',
            seq: last.delivery.seq,
          };
        }
        assert.deepEqual(paged, expected);
        // a state filter, no recipients
        await s.updateDelivery('c4', 'R1', { state: 'withdrawn', updatedAt: now });
        assert.deepEqual(
          (await s.listConsoleInbox({ recipients: ['R1'], states: ['pending'], messageType: 'edoc', limit: 10 })).map(
            (r) => r.document.docId,
          ),
          expected.filter((d) => d !== 'c4'),
        );
        assert.deepEqual(await s.listConsoleInbox({ recipients: [], states, messageType: 'edoc', limit: 10 }), []);

        const outbox = await s.listConsoleOutbox({ senders: ['S'], messageType: 'edoc', limit: 10 });
        assert.deepEqual(
          outbox.map((d) => d.docId),
          expected,
        );
        const firstTwo = await s.listConsoleOutbox({ senders: ['S'], messageType: 'edoc', limit: 2 });
        const rest = await s.listConsoleOutbox({
          senders: ['S'],
          messageType: 'edoc',
          limit: 10,
          after: {
            priority: firstTwo[1]!.priority ?? 0,
            due: firstTwo[1]!.dueDate ?? '9999-12-31',
            seq: firstTwo[1]!.seq,
          },
        });
        assert.deepEqual(
          [...firstTwo, ...rest].map((d) => d.docId),
          expected,
        );
        assert.deepEqual(
          (await s.listConsoleOutbox({ senders: ['S2', 'S'], messageType: 'edoc', limit: 2 })).map((d) => d.docId),
          ['c7', 'c4'],
        );
        assert.deepEqual(
          (await s.listConsoleOutbox({ senders: ['S'], messageType: 'status', limit: 10 })).map((d) => d.docId),
          ['c8'],
        );
      },
    );

    withStore(
      'document search: number, notation, folded subject, sender, recipient, state, time, scope, pages',
      async (o) => {
        const s = o.store;
        await intake(
          s,
          doc('d1', 'S1', { subject: 'Quyết định về Đầu tư công', codeNumber: '12', codeNotation: 'QĐ-UBND' }),
          ['R1'],
        );
        await intake(
          s,
          doc('d2', 'S2', { subject: 'Công văn 100% hoàn thành', codeNumber: '12', codeNotation: 'CV-STC' }),
          ['R2'],
        );
        await intake(s, doc('d3', 'S1', { subject: 'Báo cáo quý', acceptedAt: nextVietnamDay }), ['R2']);
        await foldAll(s);
        const ids = async (x: Parameters<Store['searchDocuments']>[0]) =>
          (await s.searchDocuments(x)).map((d) => d.docId);
        assert.deepEqual(await ids({ codeNumber: '12', limit: 10 }), ['d2', 'd1']);
        assert.deepEqual(await ids({ codeNumber: '12', codeNotation: 'QĐ-UBND', limit: 10 }), ['d1']);
        assert.deepEqual(await ids({ subject: 'dau TU', limit: 10 }), ['d1'], 'without case or diacritics');
        assert.deepEqual(await ids({ subject: 'cong', limit: 10 }), ['d2', 'd1']);
        assert.deepEqual(await ids({ subject: '100%', limit: 10 }), ['d2'], '% is a character, not a wildcard');
        assert.deepEqual(await ids({ sender: 'S1', limit: 10 }), ['d3', 'd1']);
        assert.deepEqual(await ids({ recipient: 'R2', limit: 10 }), ['d3', 'd2']);
        await s.updateDelivery('d2', 'R2', { state: 'done', updatedAt: now });
        assert.deepEqual(await ids({ state: 'pending', recipient: 'R2', limit: 10 }), ['d3']);
        assert.deepEqual(await ids({ from: nextVietnamDay, limit: 10 }), ['d3']);
        assert.deepEqual(await ids({ to: nextVietnamDay, limit: 10 }), ['d2', 'd1']);
        assert.deepEqual(await ids({ scope: ['R1'], limit: 10 }), ['d1']);
        assert.deepEqual(await ids({ scope: ['S1'], limit: 10 }), ['d3', 'd1']);
        const first = await s.searchDocuments({ limit: 2 });
        assert.deepEqual(
          first.map((d) => d.docId),
          ['d3', 'd2'],
        );
        assert.deepEqual(await ids({ beforeSeq: first.at(-1)!.seq, limit: 2 }), ['d1']);
      },
    );

    withStore(
      'two nodes folding at once count every package exactly once',
      async (o) => {
        const a = o.store;
        const b = await o.openAnother!();
        try {
          for (let i = 0; i < 30; i++) await intake(a, doc(`p${i}`, `S${i % 3}`), ['R1', 'R2']);
          const folding = Promise.all([foldAll(a), foldAll(b), foldAll(a), foldAll(b)]);
          for (let i = 30; i < 40; i++) await intake(b, doc(`p${i}`, `S${i % 3}`), ['R1']);
          const folded = (await folding).reduce((x, y) => x + y, 0) + (await foldAll(a));
          assert.equal(folded, 40);
          const rows = await b.statsByAgency({ fromDay: 20240501, toDay: 20240501 });
          assert.equal(
            rows.reduce((n, r) => n + r.sent, 0),
            40,
          );
          assert.equal(rows.find((r) => r.agencyCode === 'R1')?.received, 40);
          assert.equal(rows.find((r) => r.agencyCode === 'R2')?.received, 30);
        } finally {
          await b.close();
        }
      },
      { concurrent: true },
    );
  });
}
