// The clerks' API over real HTTP on a real hub: agency A composes and sends a signed document with a PDF,
// agency B sees it unread, opens it, returns 03…06; A sees each status; bad input gets a precise 4xx;
// revoke, update recipients and replace go through the hub's business rules.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestHub, type TestHub } from '../../test-support/start-test-hub.js';

const A = '000.00.11.H53';
const B = '000.00.00.H41';
const C = '000.00.00.G22';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n%%EOF\n');

// biome-ignore lint/suspicious/noExplicitAny: tests read answers and assert on them
type Answer = any;

interface Clerk {
  cookie: string;
  csrf: string;
  call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Answer; headers: Headers; bytes: Buffer }>;
}

describe('console clerk API', () => {
  let hub: TestHub;
  let a: Clerk;
  let b: Clerk;
  before(async () => {
    hub = await startTestHub({ console: { maxUploadBytes: 64 * 1024 } });
    a = await clerk(`vanthu.${A.toLowerCase()}`);
    b = await clerk(`vanthu.${B.toLowerCase()}`);
  });
  after(() => hub.stop());

  async function clerk(username: string): Promise<Clerk> {
    const password = hub.demo.console!.find((x) => x.username === username)!.password;
    const r = await fetch(`${hub.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    assert.equal(r.status, 200);
    const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = ((await r.json()) as { csrfToken: string }).csrfToken;
    return {
      cookie,
      csrf,
      async call(method, path, body) {
        const headers: Record<string, string> = { cookie };
        if (method !== 'GET') headers['x-csrf-token'] = csrf;
        let payload: FormData | string | undefined;
        if (body instanceof FormData) payload = body;
        else if (body !== undefined) {
          headers['content-type'] = 'application/json';
          payload = JSON.stringify(body);
        }
        const res = await fetch(`${hub.url}/console/api${path}`, { method, headers, body: payload });
        const bytes = Buffer.from(await res.arrayBuffer());
        let json: unknown;
        try {
          json = JSON.parse(bytes.toString('utf8'));
        } catch {}
        return { status: res.status, json, headers: res.headers, bytes };
      },
    };
  }

  const form = (
    fields: Record<string, string | string[]>,
    files: Array<{ name: string; bytes: Buffer; type?: string }> = [],
  ) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) f.append(k, x);
    for (const file of files)
      f.append('attachments', new Blob([file.bytes], { type: file.type ?? 'application/pdf' }), file.name);
    return f;
  };
  let seq = 0;
  const valid = (extra: Record<string, string | string[]> = {}) => ({
    codeNumber: String(100 + ++seq),
    codeNotation: 'STC-VP',
    docType: '18',
    docTypeName: 'Công văn',
    subject: `Về việc thử nghiệm liên thông ${seq}`,
    signerName: 'Nguyễn Văn Ký',
    signerPosition: 'Giám đốc',
    promulgationDate: '2026-11-20',
    priority: '3',
    dueDate: '2026-12-01',
    recipients: [B],
    ...extra,
  });

  test('A sends a signed document with a PDF; B sees it unread, opens it, returns 03…06; A sees every status', async () => {
    const sent = await a.call('POST', '/clerk/documents', form(valid(), [{ name: 'công-văn.pdf', bytes: PDF }]));
    assert.equal(sent.status, 201, JSON.stringify(sent.json));
    const docId = sent.json.docId as string;
    assert.deepEqual(sent.json.recipients, [B]);

    const inbox = await b.call('GET', '/clerk/inbox');
    const item = inbox.json.items.find((i: { docId: string }) => i.docId === docId);
    assert.ok(item, 'in B’s inbox');
    assert.equal(item.unread, true);
    assert.equal(item.priority, 3);
    assert.equal(item.dueDate, '2026/12/01');
    assert.equal(item.fromName, 'Sở Tài chính tỉnh Tây Ninh');

    const doc = await b.call('GET', `/clerk/documents/${docId}`);
    assert.equal(doc.status, 200, JSON.stringify(doc.json));
    assert.equal(doc.json.direction, 'in');
    assert.equal(doc.json.signerName, 'Nguyễn Văn Ký');
    assert.equal(doc.json.docTypeName, 'Công văn');
    assert.equal(doc.json.signature?.status, 'valid', 'signed with the agency key');
    assert.equal(doc.json.attachments[0].name, 'công-văn.pdf');
    const again = await b.call('GET', '/clerk/inbox');
    assert.equal(again.json.items.find((i: { docId: string }) => i.docId === docId).unread, false);

    const pdf = await b.call('GET', `/clerk/documents/${docId}/attachments/0?inline=1`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.match(pdf.headers.get('content-disposition')!, /^inline; /);
    assert.deepEqual(pdf.bytes, PDF);
    const dl = await b.call('GET', `/clerk/documents/${docId}/attachments/0`);
    assert.match(dl.headers.get('content-disposition')!, /^attachment; .*filename\*=UTF-8''c%C3%B4ng-v%C4%83n\.pdf/);

    for (const code of ['03', '04', '05', '06']) {
      const r = await b.call('POST', `/clerk/documents/${docId}/status`, { statusCode: code });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const mine = await a.call('GET', `/clerk/documents/${docId}`);
      const rb = mine.json.recipients.find((r: { code: string }) => r.code === B);
      assert.equal(rb.statuses.at(-1).statusCode, code, `A sees ${code}`);
    }
    const polled = await a.call('GET', `/clerk/documents/${docId}?parts=timeline`);
    assert.equal(polled.json.recipients[0].statuses.length, 4);
    assert.equal(polled.json.signerName, undefined, 'polling does not read the package again');
    const out = await a.call('GET', '/clerk/outbox');
    const row = out.json.items.find((i: { docId: string }) => i.docId === docId);
    assert.equal(row.recipients[0].lastStatus, '06');
    assert.equal(row.recipients[0].name, 'UBND tỉnh Nghệ An');
    const audit = await hub.hub.listAudit(0, 100_000);
    assert.ok(
      audit.some(
        (e) => e.action === 'console-send' && e.subject === docId && e.actor === `console:vanthu.${A.toLowerCase()}`,
      ),
    );
    assert.equal(audit.filter((e) => e.action === 'console-status' && e.subject === docId).length, 4);
  });

  test('inbox and outbox: most urgent, nearest due date, newest first; keyset pages; a bad cursor is a 400', async () => {
    const ids: Record<string, string> = {};
    for (const [name, priority, dueDate] of [
      ['normal', '0', ''],
      ['urgent-late', '2', '2027-03-01'],
      ['urgent-soon', '2', '2027-01-15'],
      ['urgent-none', '2', ''],
    ] as const) {
      const sent = await a.call('POST', '/clerk/documents', form(valid({ priority, dueDate })));
      assert.equal(sent.status, 201, JSON.stringify(sent.json));
      ids[sent.json.docId as string] = name;
    }
    const names = (items: Array<{ docId: string }>) => items.map((i) => ids[i.docId]).filter(Boolean);
    const expected = ['urgent-soon', 'urgent-late', 'urgent-none', 'normal'];
    // the earlier tests' documents are "hỏa tốc" (3): they come first, these four after them in this order
    const whole = await b.call('GET', '/clerk/inbox?limit=200');
    assert.deepEqual(names(whole.json.items), expected);
    const paged: Array<{ docId: string }> = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await b.call('GET', `/clerk/inbox?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200, JSON.stringify(page.json));
      assert.ok(page.json.items.length <= 2);
      paged.push(...page.json.items);
      cursor = page.json.nextCursor;
      if (!cursor) break;
    }
    assert.deepEqual(
      paged.map((i) => i.docId),
      whole.json.items.map((i: { docId: string }) => i.docId),
      'pages of two give the whole list, no gap, no repeat',
    );
    const out = await a.call('GET', '/clerk/outbox?limit=200');
    assert.deepEqual(names(out.json.items), expected);
    const first = await a.call('GET', '/clerk/outbox?limit=1');
    assert.equal(first.json.items.length, 1);
    const second = await a.call('GET', `/clerk/outbox?limit=1&cursor=${first.json.nextCursor}`);
    assert.equal(second.json.items[0].docId, out.json.items[1].docId);
    const bad = await b.call('GET', '/clerk/inbox?cursor=bm90LWEtY3Vyc29y');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.path, 'cursor');
  });

  test('refusing needs a reason; a clerk cannot answer its own document; other roles and no CSRF are refused', async () => {
    const sent = await a.call('POST', '/clerk/documents', form(valid()));
    assert.equal(sent.status, 201);
    const docId = sent.json.docId as string;
    const noReason = await b.call('POST', `/clerk/documents/${docId}/status`, { statusCode: '02', description: '  ' });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.json.error.path, 'description');
    const refused = await b.call('POST', `/clerk/documents/${docId}/status`, {
      statusCode: '02',
      description: 'Sai thẩm quyền',
    });
    assert.equal(refused.status, 200);
    const seen = await a.call('GET', `/clerk/documents/${docId}`);
    assert.equal(seen.json.recipients[0].statuses[0].description, 'Sai thẩm quyền');
    assert.equal((await a.call('POST', `/clerk/documents/${docId}/status`, { statusCode: '03' })).status, 400);
    const bad = await b.call('POST', `/clerk/documents/${docId}/status`, { statusCode: '13' });
    assert.equal(bad.status, 400);
    const noCsrf = await fetch(`${hub.url}/console/api/clerk/documents/${docId}/status`, {
      method: 'POST',
      headers: { cookie: b.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ statusCode: '03' }),
    });
    assert.equal(noCsrf.status, 403);
    const auditor = hub.demo.console!.find((x) => x.role === 'auditor')!;
    const s = await fetch(`${hub.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: auditor.username, password: auditor.password }),
    });
    const cookie = s.headers.get('set-cookie')!.split(';')[0]!;
    assert.equal((await fetch(`${hub.url}/console/api/clerk/inbox`, { headers: { cookie } })).status, 403);
    // C is not a recipient: the document does not exist for it
    const c = await clerk(`vanthu.${C.toLowerCase()}`);
    assert.equal((await c.call('GET', `/clerk/documents/${docId}`)).status, 404);
  });

  test('bad forms: missing fields, unknown recipient, oversize file, not multipart — each names the field', async () => {
    const missing = await a.call('POST', '/clerk/documents', form(valid({ subject: '' })));
    assert.equal(missing.status, 400);
    assert.equal(missing.json.error.path, 'subject');
    const noRecipient = await a.call('POST', '/clerk/documents', form(valid({ recipients: [] })));
    assert.equal(noRecipient.json.error.path, 'recipients');
    const unknown = await a.call('POST', '/clerk/documents', form(valid({ recipients: [B, '000.00.99.X99'] })));
    assert.equal(unknown.status, 422);
    assert.equal(unknown.json.error.path, 'recipients');
    assert.match(unknown.json.error.message, /000\.00\.99\.X99/);
    const big = await a.call(
      'POST',
      '/clerk/documents',
      form(valid(), [{ name: 'quá-lớn.pdf', bytes: Buffer.alloc(64 * 1024 + 1, 1) }]),
    );
    assert.equal(big.status, 413);
    assert.equal(big.json.error.path, 'attachments');
    assert.match(big.json.error.message, /quá-lớn\.pdf/);
    const badDate = await a.call('POST', '/clerk/documents', form(valid({ dueDate: '2026-02-30' })));
    assert.equal(badDate.json.error.path, 'dueDate');
    const json = await a.call('POST', '/clerk/documents', { subject: 'x' });
    assert.equal(json.status, 400);
    assert.equal(hub.filesUnder('tmp').filter((f) => f.includes('console-')).length, 0, 'no temporary files left');
  });

  test('update recipients, replace and revoke a sent document', async () => {
    const sent = await a.call('POST', '/clerk/documents', form(valid()));
    const docId = sent.json.docId as string;
    const update = await a.call(
      'POST',
      '/clerk/documents',
      form({ businessType: '2', target: docId, recipients: [B, C] }),
    );
    assert.equal(update.status, 201, JSON.stringify(update.json));
    const replace = await a.call(
      'POST',
      '/clerk/documents',
      form(valid({ businessType: '3', target: docId }), [{ name: 'thay-the.pdf', bytes: PDF }]),
    );
    assert.equal(replace.status, 201, JSON.stringify(replace.json));
    const original = await a.call('GET', `/clerk/documents/${docId}`);
    assert.ok(original.json.related.some((r: { relation: string }) => r.relation === 'replaced-by'));
    const other = await a.call('POST', '/clerk/documents', form(valid()));
    const revoke = await a.call('POST', `/clerk/documents/${other.json.docId}/revoke`, { reason: 'Ban hành nhầm' });
    assert.equal(revoke.status, 200, JSON.stringify(revoke.json));
    const revoked = await a.call('GET', `/clerk/documents/${other.json.docId}`);
    assert.ok(revoked.json.related.some((r: { relation: string }) => r.relation === 'revoked-by'));
    const notMine = await b.call('POST', `/clerk/documents/${docId}/revoke`, { reason: 'x' });
    assert.equal(notMine.status, 400);
    assert.equal(notMine.json.error.path, 'target');
  });

  test('the directory tree: top level, children, search', async () => {
    const top = await a.call('GET', '/clerk/directory');
    assert.ok(
      top.json.items.some((x: { code: string; hasChildren: boolean }) => x.code === '000.00.00.H53' && x.hasChildren),
    );
    const kids = await a.call('GET', '/clerk/directory?parent=000.00.00.H53');
    assert.ok(kids.json.items.some((x: { code: string }) => x.code === A));
    const found = await a.call('GET', `/clerk/directory?q=${encodeURIComponent('nghe an')}`);
    assert.ok(found.json.items.some((x: { code: string }) => x.code === B));
    assert.equal((await a.call('GET', '/clerk/directory?parent=nope')).status, 404);
  });
});
