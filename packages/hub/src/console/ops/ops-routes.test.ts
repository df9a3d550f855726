// The operator API on a real hub (loopback HTTP, real SQLite or PostgreSQL store, demo directory),
// signed in as the demo console accounts: national operator, provincial operator (Tây Ninh, H53),
// auditor and a clerk.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type HttpAnswer, httpCall } from '../../test-support/http-request.js';
import { sampleDocument, sampleStatus } from '../../test-support/sample-packages.js';
import { startTestHub, type TestHub } from '../../test-support/start-test-hub.js';

const SENDER = '000.00.00.G22';
const RECEIVER = '000.00.00.H41';

interface Session {
  username: string;
  cookie: string;
  csrf: string;
}

let t: TestHub;
let national: Session;
let province: Session;
let auditor: Session;
let clerk: Session;

async function signIn(username: string): Promise<Session> {
  const account = t.demo.console?.find((a) => a.username === username);
  if (!account) throw new Error(`no demo console account ${username}`);
  const r = await httpCall(`${t.url}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: account.password }),
  });
  assert.equal(r.status, 200, r.text());
  const session = {
    username,
    cookie: String([r.headers['set-cookie']].flat()[0]).split(';')[0]!,
    csrf: r.json().csrfToken,
  };
  return session;
}

function ops(who: Session | undefined, method: string, path: string, body?: unknown): Promise<HttpAnswer> {
  return httpCall(`${t.url}/console/api/ops${path}`, {
    method,
    headers: {
      ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function send(from: string, bytes: Buffer): Promise<string> {
  const res = await httpCall(`${t.url}/v1/packages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.creds(from).apiKey}`, 'content-type': 'application/xml' },
    body: bytes,
  });
  assert.equal(res.status, 201, res.text());
  return res.json().docId;
}

describe('/console/api/ops', () => {
  before(async () => {
    t = await startTestHub();
    national = await signIn('quantri');
    province = await signIn('tinh.h53');
    auditor = await signIn('kiemtoan');
    clerk = await signIn('vanthu.000.00.11.h53');
  });
  after(async () => {
    await t.stop();
  });

  test('the dashboard counts a document sent, finds it by number and subject, and traces it', async () => {
    const empty = await ops(national, 'GET', '/dashboard?preset=today');
    assert.equal(empty.status, 200, empty.text());
    const before = empty.json();
    assert.ok(before.kpis.agencies > 50, 'the demo directory');
    assert.equal(before.kpis.sent, 0);
    assert.deepEqual(before.links, []);
    assert.deepEqual(before.deadLetters, { count: 0, pending: 0 });
    assert.deepEqual(before.links, [], 'a hub without federation links');
    assert.equal(before.series.buckets.length, 1);

    const doc = await sampleDocument({
      from: SENDER,
      to: [RECEIVER],
      subject: 'Quyết định về việc Đầu tư công năm 2026',
    });
    const docId = await send(SENDER, doc.bytes);
    await t.hub.ops.aggregator.catchUp();

    const after = (await ops(national, 'GET', '/dashboard?preset=today')).json();
    assert.equal(after.kpis.sent, 1);
    assert.equal(after.kpis.received, 1);
    assert.equal(after.lag, 0);
    assert.ok(after.kpis.connected >= 1, 'the sender was seen');
    assert.deepEqual(after.top.senders, [{ code: SENDER, name: after.top.senders[0].name, count: 1 }]);
    assert.equal(after.top.receivers[0].code, RECEIVER);
    const sentSeries = after.series.byLevel.find((l: { level: number }) => l.level === 1);
    assert.deepEqual(sentSeries.sent, [1]);
    assert.ok(after.statuses.fewerThanFive.some((a: { code: string }) => a.code === RECEIVER));

    const filtered = (await ops(national, 'GET', `/dashboard?preset=today&agency=${RECEIVER}`)).json();
    assert.equal(filtered.kpis.agencies, 1);
    assert.equal(filtered.kpis.sent, 0);
    assert.equal(filtered.kpis.received, 1);
    const otherHub = (await ops(national, 'GET', '/dashboard?preset=today&hub=elsewhere')).json();
    assert.equal(otherHub.kpis.agencies, 0);
    assert.equal(otherHub.kpis.sent, 0);

    const byNumber = (
      await ops(national, 'GET', `/documents?q=${encodeURIComponent(`${doc.codeNumber}/${doc.codeNotation}`)}`)
    ).json();
    assert.deepEqual(
      byNumber.items.map((d: { docId: string }) => d.docId),
      [docId],
    );
    assert.deepEqual(byNumber.items[0].recipients, [{ code: RECEIVER, state: 'pending' }]);
    const bySubject = (await ops(national, 'GET', `/documents?subject=${encodeURIComponent('DAU TU CONG')}`)).json();
    assert.deepEqual(
      bySubject.items.map((d: { docId: string }) => d.docId),
      [docId],
    );

    const status = sampleStatus(RECEIVER, doc, '03');
    await send(RECEIVER, status);
    const trace = await ops(national, 'GET', `/documents/${docId}`);
    assert.equal(trace.status, 200, trace.text());
    const timeline = trace.json();
    assert.equal(timeline.sender, SENDER);
    assert.equal(timeline.attachments.length, 1);
    assert.equal(timeline.recipients[0].code, RECEIVER);
    assert.deepEqual(
      timeline.recipients[0].statuses.map((s: { statusCode: string }) => s.statusCode),
      ['03'],
    );

    const pdf = await ops(national, 'GET', `/documents/${docId}/attachments/0?inline=true`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.match(String(pdf.headers['content-disposition']), /^inline; filename="cong-van.pdf"/);
    assert.match(pdf.body.toString('utf8'), /^%PDF-1.4/);
    const audit = await t.hub.listAudit(0, 1000);
    assert.ok(audit.some((e) => e.action === 'attachment-fetch' && e.actor === 'console:quantri'));

    await t.hub.ops.aggregator.catchUp();
    const withStatus = (await ops(national, 'GET', '/dashboard?preset=today')).json();
    assert.deepEqual(withStatus.statuses.perAgency.find((a: { code: string }) => a.code === RECEIVER).codes, ['03']);
  });

  test('roles: auditors read only, provincial operators see their province only, strangers nothing', async () => {
    assert.equal((await ops(undefined, 'GET', '/dashboard')).status, 401);
    assert.equal((await ops(clerk, 'GET', '/dashboard')).status, 403);
    assert.equal((await ops(auditor, 'GET', '/dashboard?preset=7d')).status, 200);
    const denied = await ops(auditor, 'POST', `/agencies/${RECEIVER}/disable`);
    assert.equal(denied.status, 403);
    const noCsrf = await ops({ ...national, csrf: 'x' }, 'POST', `/agencies/${RECEIVER}/disable`);
    assert.equal(noCsrf.status, 403);

    const list = (await ops(province, 'GET', '/agencies')).json();
    assert.ok(list.items.length > 0);
    assert.ok(list.items.every((a: { code: string }) => a.code.endsWith('.H53')));
    assert.equal((await ops(province, 'GET', `/agencies/${RECEIVER}`)).status, 404);
    const outside = await ops(province, 'POST', '/agencies', { code: '000.00.77.H41', name: 'Sở Thử nghiệm' });
    assert.equal(outside.status, 403);
    const docs = (await ops(province, 'GET', '/documents')).json();
    assert.deepEqual(docs.items, []);
    const dash = (await ops(province, 'GET', '/dashboard?preset=today')).json();
    assert.equal(dash.kpis.sent, 0);
    assert.ok(dash.kpis.agencies === list.items.length);
  });

  test('directory management: register with validation, edit, disable, rotate, certificate, health; all audited', async () => {
    const bad = await ops(national, 'POST', '/agencies', {
      code: '000.00.77.H53',
      name: 'Sở Thử nghiệm',
      email: 'not-an-email',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.json().error.path, 'body/email');
    const badCode = await ops(national, 'POST', '/agencies', { code: 'H53 sở', name: 'X' });
    assert.equal(badCode.status, 400);
    assert.equal(badCode.json().error.path, 'body/code');

    const created = await ops(national, 'POST', '/agencies', {
      code: '000.00.77.H53',
      name: 'Sở Thử nghiệm',
      email: 'thu@tayninh.gov.vn',
    });
    assert.equal(created.status, 201, created.text());
    const { agency, credentials } = created.json();
    assert.equal(agency.level, 2);
    assert.match(credentials.apiKey, /^lt_/);
    assert.equal((await ops(national, 'POST', '/agencies', { code: '000.00.77.H53', name: 'again' })).status, 409);

    const edited = await ops(province, 'PATCH', '/agencies/000.00.77.H53', {
      name: 'Sở Khoa học',
      phone: '0276 3822 111',
    });
    assert.equal(edited.status, 200, edited.text());
    assert.equal(edited.json().name, 'Sở Khoa học');
    assert.equal((await ops(national, 'PATCH', '/agencies/000.00.77.H53', {})).status, 400);

    const rotated = (await ops(national, 'POST', '/agencies/000.00.77.H53/credentials')).json();
    assert.notEqual(rotated.apiKey, credentials.apiKey);
    const oldKey = await httpCall(`${t.url}/v1/inbox`, { headers: { authorization: `Bearer ${credentials.apiKey}` } });
    assert.equal(oldKey.status, 401);
    const newKey = await httpCall(`${t.url}/v1/inbox`, { headers: { authorization: `Bearer ${rotated.apiKey}` } });
    assert.equal(newKey.status, 200);
    const wrong = await httpCall(`${t.url}/v1/packages/000000000000000000000000`, {
      headers: { authorization: `Bearer ${rotated.apiKey}` },
    });
    assert.equal(wrong.status, 404);

    const health = (await ops(national, 'GET', '/agencies/000.00.77.H53/health')).json();
    assert.ok(health.lastSeen, 'seen by its request');
    assert.deepEqual(health.pending, { edoc: 0, status: 0 });
    assert.equal(health.errors.clientErrors, 1);
    assert.equal(health.errors.recent[0].status, 404);

    const cert = await ops(national, 'POST', '/agencies/000.00.77.H53/certificate', { validityDays: 30 });
    assert.equal(cert.status, 200, cert.text());
    assert.match(cert.json().certificate, /-----BEGIN CERTIFICATE-----/);
    assert.match(cert.json().privateKey, /-----BEGIN PRIVATE KEY-----/);

    const disabled = (await ops(national, 'POST', '/agencies/000.00.77.H53/disable')).json();
    assert.equal(disabled.enabled, false);
    const refused = await httpCall(`${t.url}/v1/inbox`, { headers: { authorization: `Bearer ${rotated.apiKey}` } });
    assert.equal(refused.status, 401);

    const audit = (await t.hub.listAudit(0, 1000)).filter((e) => e.subject === '000.00.77.H53');
    assert.deepEqual(
      audit.map((e) => [e.action, e.actor]),
      [
        ['agency-add', 'console:quantri'],
        ['agency-edit', 'console:tinh.h53'],
        ['credentials-rotate', 'console:quantri'],
        ['certificate-issue', 'console:quantri'],
        ['agency-disable', 'console:quantri'],
      ],
    );
    assert.ok(!JSON.stringify(audit).includes(rotated.apiKey), 'no secret in the audit log');
  });

  test('bad filters are refused with the field named', async () => {
    const r = await ops(national, 'GET', '/dashboard?from=2026-02-30');
    assert.equal(r.status, 400);
    assert.equal(r.json().error.path, 'from');
    const inverted = await ops(national, 'GET', '/dashboard?from=2026-03-02&to=2026-03-01');
    assert.equal(inverted.status, 400);
    const level = await ops(national, 'GET', '/dashboard?level=9');
    assert.equal(level.status, 400);
    assert.match(level.json().error.path, /level/);
    const cursor = await ops(national, 'GET', '/documents?cursor=abc');
    assert.equal(cursor.status, 400);
    assert.equal(cursor.json().error.path, 'cursor');
    assert.equal((await ops(national, 'GET', '/documents/0123')).status, 400);
    assert.equal((await ops(national, 'GET', '/documents/0123456789abcdef01234567')).status, 404);
  });
});
