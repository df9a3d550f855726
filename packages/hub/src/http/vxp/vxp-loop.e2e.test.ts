// Acceptance: two demo agencies complete the canonical VXP client loop against the real hub, signed by an
// independent Java-SDK-like client (../../test-support/vxp-test-client.ts).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { parseEdxml } from '@lienthong/edxml';
import { readFixture } from '@lienthong/edxml/testing';
import { httpCall } from '../../test-support/http-request.js';
import { sampleDocument, sampleStatus } from '../../test-support/sample-packages.js';
import { startTestHub, type TestHub } from '../../test-support/start-test-hub.js';
import { javaSdkHashFile, javaSdkMultipartPreamble, VxpTestClient } from '../../test-support/vxp-test-client.js';

const SENDER = '000.00.00.G22';
const RECEIVER = '000.00.00.H41';
const OTHER = '000.00.00.H53';
const TENANT = 'vxp.saas.03';
const VXP_DATE = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/;
const RECEIVED_KEYS = [
  'docId',
  'serviceType',
  'messageType',
  'created_time',
  'updated_time',
  'from',
  'to',
  'status',
  'status_desc',
];
const SENT_KEYS = [
  'serviceType',
  'senderDocId',
  'receiverDocId',
  'fromCode',
  'toCode',
  'title',
  'notation',
  'messageType',
  'sentTime',
  'receivedTime',
  'sendStatus',
  'sendStatusDesc',
  'receiveStatus',
  'receiveStatusDesc',
];

let t: TestHub;
const client = (code: string, prefix = '') => new VxpTestClient(t.url + prefix, t.creds(code));

async function sendEdoc(c: VxpTestClient, bytes: Buffer, params: Record<string, string>, preamble?: string) {
  return c.json(
    'sendEdoc',
    { servicetype: 'eDoc', 'hash-file': javaSdkHashFile(bytes), ...params },
    { body: preamble ? Buffer.concat([Buffer.from(preamble), bytes]) : bytes, contentType: 'application/octet-stream' },
  );
}

/** asserts an OK answer (showing the ErrorDesc otherwise) and returns it */
function ok<T extends { status: string; ErrorDesc: string }>(answer: T): T {
  assert.equal(answer.status, 'OK', answer.ErrorDesc);
  return answer;
}

async function v1(code: string, path: string) {
  return httpCall(`${t.url}/v1${path}`, { headers: { authorization: `Bearer ${t.creds(code).apiKey}` } });
}

describe('VXP protocol, end to end', () => {
  before(async () => {
    t = await startTestHub();
  });
  after(async () => {
    await t.stop();
  });

  test('the canonical loop: sendEdoc → list → getEdoc → updateStatus done → statuses 01, 03, 04, 05, 06 back to the sender', async () => {
    const sender = client(SENDER);
    const receiver = client(RECEIVER);
    const doc = await sampleDocument({ from: SENDER, to: [RECEIVER], subject: 'V/v vòng liên thông VXP' });

    const sent = await sendEdoc(sender, doc.bytes, { from: SENDER, messagetype: 'edoc' });
    assert.deepEqual(Object.keys(sent), ['status', 'ErrorCode', 'ErrorDesc', 'DocId'], JSON.stringify(sent));
    assert.equal(sent.status, 'OK');
    assert.equal(sent.ErrorCode, '0');
    assert.equal(sent.ErrorDesc, '');
    const docId: string = sent.DocId;
    assert.match(docId, /^[0-9a-f]{24}$|^[0-9a-f-]{36}$/);

    const count = await receiver.json('countReceiveEdoc', {}, { method: 'GET' });
    assert.deepEqual(count, { status: 'OK', ErrorCode: '0', ErrorDesc: '', count: 1 });
    const countPosted = await receiver.json('countReceiveEdoc', {});
    assert.equal(countPosted.count, 1, 'the Java SDK actually POSTs {} to the count operations');

    const list = await receiver.json('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'edoc' });
    assert.deepEqual(Object.keys(list), ['status', 'ErrorCode', 'ErrorDesc', 'data']);
    assert.equal(list.data.length, 1);
    const row = list.data[0];
    assert.deepEqual(Object.keys(row), RECEIVED_KEYS);
    assert.equal(row.docId, docId);
    assert.equal(row.serviceType, 'eDoc');
    assert.equal(row.messageType, 'edoc');
    assert.equal(row.from, SENDER);
    assert.equal(row.to, RECEIVER);
    assert.equal(row.status, 'pending');
    assert.match(row.created_time, VXP_DATE);
    assert.match(row.updated_time, VXP_DATE);

    // filePath is client-local but the SDK sends it as a header too; docId then leaks into later calls
    const got = await receiver.json('getEdoc', { docId, filePath: '/var/edoc/inbox' });
    assert.deepEqual(Object.keys(got), ['status', 'ErrorCode', 'ErrorDesc', 'data']);
    assert.equal(got.status, 'OK');
    const delivered = Buffer.from(got.data, 'base64');
    const parsed = await parseEdxml(Readable.from([delivered]));
    assert.equal(parsed.package.kind, 'document');
    if (parsed.package.kind === 'document') {
      assert.equal(parsed.package.header.documentId, doc.documentId);
      assert.equal(parsed.package.header.subject, 'V/v vòng liên thông VXP');
      assert.equal(parsed.package.attachments.length, 1);
      assert.ok(parsed.package.traces.length >= 1);
    }

    const raw = await receiver.call('downloadEdoc', { docId }, { method: 'GET' });
    assert.equal(raw.status, 200);
    assert.deepEqual(raw.body, delivered, 'downloadEdoc streams the same bytes getEdoc encodes');

    const ack = await receiver.json('updateStatus', { docId, status: 'done' });
    assert.deepEqual(ack, { status: 'OK', ErrorCode: '0', ErrorDesc: '' });
    assert.equal((await receiver.json('countReceiveEdoc', {}, { method: 'GET' })).count, 0);
    assert.equal((await receiver.json('getReceivedEdocList', { messagetype: 'edoc' })).data.length, 0);
    const all = await receiver.json('getReceivedEdocList', { messagetype: 'edoc', status: 'all' });
    assert.equal(all.data.find((r: { docId: string }) => r.docId === docId)?.status, 'done');

    const codes = ['01', '03', '04', '05', '06'] as const;
    const statusIds: string[] = [];
    for (const code of codes) {
      const r = await sendEdoc(receiver, sampleStatus(RECEIVER, doc, code), { from: RECEIVER, messagetype: 'status' });
      assert.equal(r.status, 'OK', `status ${code}: ${r.ErrorDesc}`);
      statusIds.push(r.DocId);
    }

    assert.equal((await sender.json('countReceiveStatus', {}, { method: 'GET' })).count, 5);
    const statuses = await sender.json('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'status' });
    assert.deepEqual(statuses.data.map((r: { docId: string }) => r.docId).sort(), [...statusIds].sort());
    const seen: string[] = [];
    for (const r of statuses.data) {
      assert.equal(r.messageType, 'status');
      assert.equal(r.from, RECEIVER);
      const pkg = await sender.json('getEdoc', { docId: r.docId });
      const p = await parseEdxml(Readable.from([Buffer.from(pkg.data, 'base64')]));
      assert.equal(p.package.kind, 'status');
      if (p.package.kind === 'status') {
        assert.equal(p.package.responseFor.documentId, doc.documentId);
        seen.push(p.package.statusCode);
      }
      assert.equal((await sender.json('updateStatus', { docId: r.docId, status: 'done' })).status, 'OK');
    }
    assert.deepEqual(seen.sort(), [...codes]);
    assert.equal((await sender.json('countReceiveStatus', {})).count, 0);

    const timeline = (await v1(SENDER, `/packages/${docId}/timeline`)).json();
    const rcpt = timeline.recipients.find((r: { code: string }) => r.code === RECEIVER);
    assert.equal(rcpt.state, 'done');
    assert.deepEqual(
      rcpt.statuses.map((s: { statusCode: string }) => s.statusCode),
      [...codes],
    );

    const sentList = await sender.json('getSentEdocList', { servicetype: 'eDoc', messagetype: 'edoc', docId });
    assert.equal(sentList.status, 'OK');
    assert.equal(sentList.data.length, 1);
    const sentRow = sentList.data[0];
    assert.deepEqual(Object.keys(sentRow), SENT_KEYS);
    assert.equal(sentRow.senderDocId, docId);
    assert.equal(sentRow.fromCode, SENDER);
    assert.equal(sentRow.toCode, RECEIVER);
    assert.equal(sentRow.title, 'V/v vòng liên thông VXP');
    assert.equal(sentRow.notation, `${doc.codeNumber}/${doc.codeNotation}`);
    assert.equal(sentRow.receiveStatus, 'done');
    assert.match(sentRow.sentTime, VXP_DATE);
  });

  test('getSentEdocList has one row per recipient; `to` overrides the package To list; /vxp prefix works', async () => {
    const sender = client(SENDER, '/vxp');
    const doc = await sampleDocument({ from: SENDER, to: [RECEIVER] });
    const sent = await sendEdoc(sender, doc.bytes, {
      from: SENDER,
      messagetype: 'edoc',
      to: JSON.stringify([RECEIVER, OTHER]),
    });
    assert.equal(sent.status, 'OK', sent.ErrorDesc);
    const rows = (await sender.json('getSentEdocList', { messagetype: 'edoc', docId: sent.DocId })).data;
    assert.deepEqual(rows.map((r: { toCode: string }) => r.toCode).sort(), [RECEIVER, OTHER].sort());
    for (const r of rows) assert.equal(r.receiveStatus, 'pending');
    assert.equal((await client(OTHER).json('countReceiveEdoc', {})).count, 1);
  });

  test('each vendor fixture is accepted through /sendEdoc, authenticated as its From agency', async () => {
    // the status first: it answers edoc_update's DocumentId before that document exists here
    const fixtures: Array<[string, string, string]> = [
      ['status_processing_05.edxml', '000.00.00.H41', 'status'],
      ['edoc_new.edxml', '000.00.11.H53', 'edoc'],
      ['edoc_update.edxml', '000.00.00.G22', 'edoc'],
    ];
    for (const [name, from, messagetype] of fixtures) {
      const bytes = readFixture(name);
      const r = await sendEdoc(client(from), bytes, { from, messagetype });
      assert.equal(r.status, 'OK', `${name}: ${r.ErrorDesc}`);
      assert.ok(r.DocId);
    }
    const a53 = await client('000.00.01.A53').json('getReceivedEdocList', { messagetype: 'edoc' });
    assert.equal(a53.data.length, 1, 'edoc_new reached its To');
    const got = await client('000.00.01.A53').json('getEdoc', { docId: a53.data[0].docId });
    const parsed = await parseEdxml(Readable.from([Buffer.from(got.data, 'base64')]));
    assert.equal(parsed.package.kind === 'document' && parsed.package.attachments.length, 1);
  });

  test('a Java SDK multipart body: boundary preamble, no closing boundary, hash-file of the file alone', async () => {
    const doc = await sampleDocument({ from: SENDER, to: [RECEIVER] });
    const r = await sendEdoc(
      client(SENDER),
      doc.bytes,
      { from: SENDER, messagetype: 'edoc' },
      javaSdkMultipartPreamble(),
    );
    assert.equal(r.status, 'OK', r.ErrorDesc);
    const got = await client(RECEIVER).json('getEdoc', { docId: r.DocId });
    const delivered = Buffer.from(got.data, 'base64');
    assert.ok(delivered.subarray(0, 5).toString() === '<?xml', 'the preamble is not part of the delivered package');
  });

  test('directory operations: agencies lists, incremental sync, a tenant registers and deletes a unit', async () => {
    const c = client(SENDER);
    const agencies = ok(await c.json('getAgenciesList', {}));
    assert.equal(agencies.status, 'OK');
    const g22 = agencies.data.find((a: { code: string }) => a.code === SENDER);
    assert.deepEqual(Object.keys(g22), ['id', 'pid', 'code', 'name', 'mail', 'oldCode']);

    const qd20 = ok(await c.json('getAgenciesListQD20', { level: '1' }));
    assert.ok(qd20.data.length > 0);
    assert.deepEqual(Object.keys(qd20.data[0]), ['id', 'code', 'name', 'mail', 'code102']);

    const sync = ok(await c.json('getSynchronizeUnit', {}));
    assert.deepEqual(Object.keys(sync.data[0]), [
      'id',
      'pid',
      'code',
      'name',
      'mail',
      'version',
      'centerCode',
      'deleted',
      'modifyDate',
      'isAgency',
    ]);
    const latest = Math.max(...sync.data.map((a: { version: number }) => a.version));
    assert.equal(ok(await c.json('getSynchronizeUnit', { version: String(latest) })).data.length, 0);

    const tenant = client(TENANT);
    const unit = {
      id: 77,
      pcode: '000.00.32.H53',
      code: '000.09.32.H53',
      name: 'UBND xã Thử Nghiệm',
      mail: 'x@t.vn',
      mobile: '0900',
      fax: '',
    };
    const reg = ok(await tenant.json('registerAgency', {}, { body: JSON.stringify(unit) }));
    assert.deepEqual(reg, { status: 'OK', ErrorCode: '0', ErrorDesc: '' });
    const synced = ok(await c.json('getSynchronizeUnit', { version: String(latest) }));
    const row = synced.data.find((a: { code: string }) => a.code === unit.code);
    assert.equal(row.pid, unit.pcode);
    assert.equal(row.deleted, false);

    const del = await tenant.json('deleteAgency', { AgencyCode: unit.code });
    assert.equal(del.status, 'OK', del.ErrorDesc);
    const after = ok(await c.json('getSynchronizeUnit', { version: String(row.version) }));
    assert.equal(after.data.find((a: { code: string }) => a.code === unit.code)?.deleted, true);

    const notTenant = await client(RECEIVER).json(
      'registerAgency',
      {},
      { body: JSON.stringify({ ...unit, code: '000.08.32.H53' }) },
    );
    assert.equal(notTenant.status, 'FAIL');
    assert.equal(notTenant.ErrorCode, '403');
  });

  test('FAIL answers are HTTP 200 with exactly status/ErrorCode/ErrorDesc', async () => {
    const res = await client(RECEIVER).call('getEdoc', { docId: 'ffffffffffffffffffffffff' });
    assert.equal(res.status, 200);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['status', 'ErrorCode', 'ErrorDesc']);
    assert.equal(body.status, 'FAIL');
    assert.equal(body.ErrorCode, '404');
    assert.ok(body.ErrorDesc.length > 0);
    assert.ok(res.headers['x-request-id']);
  });

  test('metrics count what happened; logs hold no secret, API key or MAC', async () => {
    const c = client(SENDER);
    await c.json('countReceiveEdoc', {});
    const metrics = (await httpCall(`${t.url}/metrics`)).text();
    assert.match(metrics, /lienthong_packages_accepted_total\{message_type="edoc"\} [1-9]/);
    assert.match(metrics, /lienthong_packages_accepted_total\{message_type="status"\} [1-9]/);
    assert.match(metrics, /lienthong_acks_total\{state="done"\} [1-9]/);
    assert.match(metrics, /lienthong_deliveries_pending \d+/);
    assert.match(metrics, /lienthong_attachments_uninspected \d+/);
    assert.match(metrics, /lienthong_documents_total [1-9]/);
    assert.match(metrics, /lienthong_intake_duration_seconds_count [1-9]/);
    assert.match(
      metrics,
      /lienthong_http_request_duration_seconds_bucket\{le="[^"]+",route="\/sendEdoc",method="POST",status="200"\}/,
    );
    assert.match(metrics, /process_cpu_user_seconds_total/);

    const logs = t.logs();
    assert.ok(logs.length > 0);
    for (const code of [SENDER, RECEIVER, TENANT]) {
      assert.ok(!logs.includes(t.creds(code).secret), `the VXP secret of ${code} is in the logs`);
      assert.ok(!logs.includes(t.creds(code).apiKey), `the API key of ${code} is in the logs`);
    }
    assert.ok(!logs.includes(c.lastHeaders['XroadVnpt-hash-header']!), 'a MAC is in the logs');
  });
});
