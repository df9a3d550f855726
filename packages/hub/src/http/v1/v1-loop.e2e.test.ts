// Acceptance: the canonical loop through /v1 against the real hub, plus business actions (revoke, update, replace).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { parseEdxml } from '@lienthong/edxml';
import { type HttpAnswer, httpCall } from '../../test-support/http-request.js';
import { sampleDocument } from '../../test-support/sample-packages.js';
import { startTestHub, type TestHub } from '../../test-support/start-test-hub.js';

const SENDER = '000.00.00.G22';
const RECEIVER = '000.00.00.H41';
const OTHER = '000.00.00.H53';

let t: TestHub;
function api(
  code: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const isBytes = Buffer.isBuffer(body);
  return httpCall(`${t.url}/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${t.creds(code).apiKey}`,
      ...(body === undefined ? {} : { 'content-type': isBytes ? 'application/xml' : 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : isBytes ? (body as Buffer) : JSON.stringify(body),
  });
}

async function submit(
  code: string,
  bytes: Buffer,
  query = '',
): Promise<{ docId: string; duplicate: boolean; recipients: string[] }> {
  const res = await api(code, 'POST', `/packages${query}`, bytes);
  assert.ok(res.status === 201 || res.status === 200, `${res.status} ${res.text()}`);
  return res.json();
}

describe('/v1 API, end to end', () => {
  before(async () => {
    t = await startTestHub();
  });
  after(async () => {
    await t.stop();
  });

  test('the canonical loop: submit → inbox → download → ack → status → timeline → sent', async () => {
    const doc = await sampleDocument({ from: SENDER, to: [RECEIVER], subject: 'V/v vòng liên thông /v1' });
    const digest = createHash('sha256').update(doc.bytes).digest('hex');
    const first = await api(SENDER, 'POST', '/packages', doc.bytes, { digest: `sha-256=${digest}` });
    assert.equal(first.status, 201, first.text());
    const result = first.json();
    assert.equal(result.messageType, 'edoc');
    assert.equal(result.duplicate, false);
    assert.deepEqual(result.recipients, [RECEIVER]);
    assert.equal(result.sha256, digest);
    assert.equal(result.size, doc.bytes.length);
    const docId: string = result.docId;

    const again = await api(SENDER, 'POST', '/packages', doc.bytes);
    assert.equal(again.status, 200, 'a resubmission answers 200');
    assert.deepEqual({ docId: again.json().docId, duplicate: again.json().duplicate }, { docId, duplicate: true });

    const inbox = (await api(RECEIVER, 'GET', '/inbox?type=edoc')).json();
    assert.equal(inbox.items.length, 1);
    const item = inbox.items[0];
    assert.equal(item.docId, docId);
    assert.equal(item.from, SENDER);
    assert.equal(item.state, 'pending');
    assert.equal(item.subject, 'V/v vòng liên thông /v1');
    assert.equal(item.documentId, doc.documentId);
    assert.match(item.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);

    const pkg = await api(RECEIVER, 'GET', `/packages/${docId}`);
    assert.equal(pkg.status, 200);
    assert.match(String(pkg.headers['content-type']), /xml/);
    const parsed = await parseEdxml(Readable.from([pkg.body]));
    assert.equal(parsed.package.kind === 'document' && parsed.package.header.documentId, doc.documentId);

    const file = await api(RECEIVER, 'GET', `/packages/${docId}/attachments/0`);
    assert.equal(file.status, 200);
    assert.equal(file.body.toString('utf8'), '%PDF-1.4 kiểm thử\n');
    assert.match(String(file.headers['content-disposition']), /filename="cong-van\.pdf"/);

    const ack = await api(RECEIVER, 'POST', `/packages/${docId}/ack`, { state: 'done' });
    assert.equal(ack.status, 204, ack.text());
    assert.equal((await api(RECEIVER, 'GET', '/inbox')).json().items.length, 0);

    // the sender long-polls for statuses while the receiver reports
    const started = Date.now();
    const poll = api(SENDER, 'GET', '/inbox?type=status&wait=10');
    await new Promise((r) => setTimeout(r, 200));
    const status = await api(RECEIVER, 'POST', `/packages/${docId}/status`, {
      statusCode: '03',
      description: 'Đã tiếp nhận',
      staff: { department: 'Văn thư', staff: 'Trần Thị B' },
    });
    assert.equal(status.status, 201, status.text());
    assert.equal(status.json().messageType, 'status');
    assert.deepEqual(status.json().recipients, [SENDER]);
    const polled = await poll;
    assert.ok(Date.now() - started < 9000, 'the long-poll returned when the status arrived');
    assert.equal(polled.json().items.length, 1);
    assert.equal(polled.json().items[0].statusCode, '03');
    assert.equal(polled.json().items[0].responseForDocId, docId);

    for (const code of ['05', '06']) {
      assert.equal((await api(RECEIVER, 'POST', `/packages/${docId}/status`, { statusCode: code })).status, 201);
    }
    const timeline = (await api(SENDER, 'GET', `/packages/${docId}/timeline`)).json();
    assert.equal(timeline.docId, docId);
    assert.equal(timeline.sender, SENDER);
    assert.equal(timeline.attachments.length, 1);
    const r = timeline.recipients.find((x: { code: string }) => x.code === RECEIVER);
    assert.equal(r.state, 'done');
    assert.deepEqual(
      r.statuses.map((s: { statusCode: string }) => s.statusCode),
      ['03', '05', '06'],
    );
    assert.ok(r.events.some((e: { kind: string }) => e.kind === 'ack-done'));

    const sent = (await api(SENDER, 'GET', '/sent?type=edoc')).json();
    const mine = sent.items.find((s: { docId: string }) => s.docId === docId);
    assert.equal(mine.recipients[0].code, RECEIVER);
    assert.equal(mine.recipients[0].state, 'done');
    assert.equal(mine.recipients[0].lastStatus, '06');
  });

  test('the directory and OpenAPI', async () => {
    const all = (await api(SENDER, 'GET', '/agencies')).json();
    assert.ok(all.items.some((a: { code: string }) => a.code === RECEIVER));
    const one = await api(SENDER, 'GET', `/agencies/${RECEIVER}`);
    assert.equal(one.json().code, RECEIVER);
    assert.match(one.json().updatedAt, /Z$/);
    const missing = await api(SENDER, 'GET', '/agencies/999.99.99.Z99');
    assert.equal(missing.status, 404);
    assert.equal(missing.json().error.code, 'not-found');

    const spec = (await httpCall(`${t.url}/docs/json`)).json();
    assert.equal(spec.info.title, 'Lienthong hub API');
    assert.match(spec.openapi, /^3\./);
    assert.equal(spec.components.securitySchemes.apiKey.scheme, 'bearer');
    assert.ok(spec.servers[0].url.startsWith('http://'));
    for (const path of [
      '/v1/packages',
      '/v1/inbox',
      '/v1/packages/{docId}',
      '/v1/packages/{docId}/attachments/{index}',
      '/v1/packages/{docId}/ack',
      '/v1/packages/{docId}/status',
      '/v1/packages/{docId}/timeline',
      '/v1/sent',
      '/v1/agencies',
      '/v1/agencies/{code}',
    ]) {
      assert.ok(spec.paths[path], `OpenAPI documents ${path}`);
    }
    assert.ok(spec.paths['/v1/packages'].post.requestBody.content['application/xml']);
    assert.equal(spec.paths['/sendEdoc'], undefined, 'VXP routes are not part of the OpenAPI document');
    const ui = await httpCall(`${t.url}/docs/`);
    assert.equal(ui.status, 200);
    assert.match(ui.text(), /swagger/i);
  });

  test('errors: the JSON error shape, request ids echoed, validation names the parameter', async () => {
    const noKey = await httpCall(`${t.url}/v1/inbox`, { headers: { 'x-request-id': 'trace-123' } });
    assert.equal(noKey.status, 401);
    assert.equal(noKey.headers['x-request-id'], 'trace-123');
    assert.deepEqual(noKey.json(), {
      error: { code: 'unauthenticated', message: 'missing Authorization: Bearer <API key>', requestId: 'trace-123' },
    });
    const badKey = await httpCall(`${t.url}/v1/inbox`, { headers: { authorization: 'Bearer lt_nope_nope' } });
    assert.equal(badKey.status, 401);
    assert.equal(badKey.json().error.message, 'unknown, revoked or disabled API key');

    const badLimit = await api(RECEIVER, 'GET', '/inbox?limit=0');
    assert.equal(badLimit.status, 400);
    assert.equal(badLimit.json().error.code, 'bad-request');
    assert.match(badLimit.json().error.path, /limit/);
    const badAck = await api(RECEIVER, 'POST', '/packages/abc/ack', { state: 'eaten' });
    assert.equal(badAck.status, 400);
    assert.match(badAck.json().error.path, /state/);
    const notMine = await api(RECEIVER, 'GET', '/packages/ffffffffffffffffffffffff');
    assert.equal(notMine.status, 404);
    const noRoute = await api(RECEIVER, 'GET', '/nothing-here');
    assert.equal(noRoute.status, 404);
    assert.equal(noRoute.json().error.code, 'not-found');
    assert.ok(noRoute.json().error.requestId);
  });

  test('revoke, update and replace through HTTP', async () => {
    // revoke: the recipient that fetched the document gets the revoke; the one that never did loses it
    const d1 = await sampleDocument({ from: SENDER, to: [RECEIVER, OTHER] });
    const { docId: id1 } = await submit(SENDER, d1.bytes);
    assert.equal((await api(RECEIVER, 'GET', `/packages/${id1}`)).status, 200);
    const revoke = await sampleDocument({
      from: SENDER,
      to: [RECEIVER, OTHER],
      business: { docType: 1, documentId: d1.documentId, reason: 'Thu hồi văn bản', paper: false },
    });
    const rv = await submit(SENDER, revoke.bytes);
    assert.deepEqual(rv.recipients, [RECEIVER]);
    const otherInbox = (await api(OTHER, 'GET', '/inbox')).json().items.map((i: { docId: string }) => i.docId);
    assert.ok(!otherInbox.includes(id1), 'the unfetched copy was withdrawn');
    const receiverInbox = (await api(RECEIVER, 'GET', '/inbox')).json().items;
    assert.equal(receiverInbox.find((i: { docId: string }) => i.docId === rv.docId)?.businessType, 1);
    const tl1 = (await api(SENDER, 'GET', `/packages/${id1}/timeline`)).json();
    assert.equal(tl1.recipients.find((r: { code: string }) => r.code === OTHER).state, 'withdrawn');
    assert.ok(tl1.related.some((r: { docId: string }) => r.docId === rv.docId));

    // update: a recipient added
    const d2 = await sampleDocument({ from: SENDER, to: [RECEIVER] });
    const { docId: id2 } = await submit(SENDER, d2.bytes);
    const update = await sampleDocument({
      from: SENDER,
      to: [RECEIVER],
      business: {
        docType: 2,
        documentId: d2.documentId,
        reason: 'Cập nhật',
        documentInfo: {
          documentInfoChanged: true,
          receiversChanged: true,
          receivers: [{ organId: OTHER, receiverType: 1 }],
        },
      },
    });
    const up = await submit(SENDER, update.bytes);
    assert.deepEqual([...up.recipients].sort(), [RECEIVER, OTHER].sort());
    const tl2 = (await api(SENDER, 'GET', `/packages/${id2}/timeline`)).json();
    assert.ok(tl2.related.some((r: { docId: string }) => r.docId === up.docId));

    // replace
    const d3 = await sampleDocument({ from: SENDER, to: [RECEIVER] });
    const { docId: id3 } = await submit(SENDER, d3.bytes);
    const replace = await sampleDocument({
      from: SENDER,
      to: [RECEIVER],
      business: {
        docType: 3,
        documentId: d3.documentId,
        reason: 'Thay thế',
        replacements: [{ documentId: d3.documentId, organIds: [RECEIVER] }],
      },
    });
    const rp = await submit(SENDER, replace.bytes);
    const tl3 = (await api(SENDER, 'GET', `/packages/${id3}/timeline`)).json();
    assert.ok(tl3.related.some((r: { docId: string }) => r.docId === rp.docId));

    // only the sender may revoke
    const forged = await sampleDocument({
      from: RECEIVER,
      to: [OTHER],
      business: { docType: 1, documentId: d3.documentId, reason: 'Thu hồi' },
    });
    const refused = await api(RECEIVER, 'POST', '/packages', forged.bytes);
    assert.equal(refused.status, 403);
    assert.match(refused.json().error.message, /only the sender of/);
  });
});
