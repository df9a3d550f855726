// The gateway against a real hub on loopback: real folders, real HTTP, real signatures from a dev CA.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { verifyPackage } from '@lienthong/trust';
import { type RunningGateway, startGateway } from './gateway.js';
import { forkGateway } from './test-support/child-gateway.js';
import {
  documentPackage,
  dropIntoOutbox,
  folderOf,
  gatewayConfig,
  listDir,
  readJson,
  type TestEnv,
  testEnv,
  until,
} from './test-support/gateway-test-env.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field
type Json = Record<string, any>;

const A = '000.00.11.H53';
const B = '000.00.01.A53';
const C = '000.00.00.G22';

let env: TestEnv;
let running: RunningGateway[] = [];

async function gateway(config: Record<string, unknown>): Promise<RunningGateway> {
  const g = await startGateway(config);
  running.push(g);
  return g;
}

before(async () => {
  env = await testEnv([A, B, C]);
});
// each test's gateways stop with it, so that the next test's receivers are the only ones
afterEach(async () => {
  for (const g of running) await g.close();
  running = [];
});
after(() => env?.dispose());

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, json: (await res.json()) as Json };
}

test('a package dropped into the outbox reaches the recipient signed; its gateway delivers it verified and acks', async () => {
  const sendCfg = gatewayConfig(env, 'gw-a', [A]);
  const recvCfg = gatewayConfig(env, 'gw-b', [B]);
  await gateway(sendCfg);
  await gateway(recvCfg);
  const aFolder = folderOf(sendCfg, A);
  const bFolder = folderOf(recvCfg, B);

  // a file still being written (not yet renamed to .edxml) is left alone
  await writeFile(join(aFolder, 'outbox', 'dang-ghi.edxml.tmp'), '<edXML');
  await dropIntoOutbox(aFolder, 'cong-van-1.edxml', await documentPackage(A, [B], 'Về việc thử cổng'));

  const sent = await until(
    async () => (await listDir(join(aFolder, 'sent'))).find((f) => f.endsWith('.json')),
    'sent/',
  );
  const receipt = await readJson<{ docId: string; receipt: string; duplicate: boolean }>(join(aFolder, 'sent', sent));
  assert.equal(sent, 'cong-van-1.edxml.json');
  assert.equal(receipt.duplicate, false);
  assert.match(receipt.receipt, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.deepEqual(await listDir(join(aFolder, 'outbox')), ['dang-ghi.edxml.tmp']);

  // the package the hub holds is signed by A (the hub checked it at intake)
  const timeline = await env.client(A).timeline(receipt.docId);
  assert.equal(timeline.signature?.status, 'valid', JSON.stringify(timeline.signature));
  assert.equal(timeline.signature?.signer?.agencyCode, A);

  const { docId } = receipt;
  await until(async () => (await listDir(join(bFolder, 'inbox'))).includes(`${docId}.edxml`), 'inbox/<docId>.edxml');
  const meta = await readJson<Json>(join(bFolder, 'inbox', `${docId}.json`));
  assert.equal(meta['from'], A);
  assert.equal(meta['subject'], 'Về việc thử cổng');
  assert.equal(meta['signature'].status, 'valid', JSON.stringify(meta['signature']));
  assert.equal(meta['signature'].signer.agencyCode, A);
  assert.deepEqual(
    meta['signature'].appendedTraces.map((t: { organId: string }) => t.organId),
    ['lienthong.test'],
    "the hub's TraceHeader is what was set aside",
  );
  // the delivered bytes, as such, no longer carry A's exact signed bytes: the hub appended its TraceHeader
  const delivered = await readFile(join(bFolder, 'inbox', `${docId}.edxml`));
  assert.match(delivered.toString('utf8'), /<edXML:OrganId>lienthong\.test<\/edXML:OrganId>/);
  const raw = await verifyPackage([delivered], { trustAnchors: [await readFile(env.anchor, 'utf8')] });
  assert.equal(raw.status, 'invalid');

  // acknowledged at the hub: gone from B's inbox there, 'done' in A's timeline
  await until(async () => (await env.client(B).inbox()).items.every((i) => i.docId !== docId), 'the ack at the hub');
  const after = await env.client(A).timeline(docId);
  assert.equal(after.recipients.find((r) => r.code === B)?.state, 'done');
});

async function getJson(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, json: (await res.json()) as Json };
}

test('the hub is down while the gateway accepts 20 packages; when it comes up all 20 arrive once, in order', async () => {
  const cfg = gatewayConfig(env, 'gw-down', [A]);
  await env.stopHub();
  const g = await gateway(cfg);
  const localIds: string[] = [];
  try {
    for (let i = 1; i <= 20; i++) {
      const r = await post(`${g.url}/v1/tenants/${A}/send`, await documentPackage(A, [C], `Thứ tự ${i}`), {
        'Content-Type': 'application/xml',
      });
      assert.equal(r.status, 202, JSON.stringify(r.json));
      assert.equal(r.json['state'], 'queued');
      localIds.push(r.json['localId']);
    }
    const down = await until(async () => {
      const s = (await getJson(`${g.url}/v1/status`)).json['tenants'][0];
      return s.lastError ? s : undefined;
    }, 'the first failed attempt');
    assert.equal(down.outgoing.queued, 20);
    assert.match(down.lastError.message, /hub unreachable/);
    assert.ok(down.outgoing.oldestQueuedAt);
    const metrics = await (await fetch(`${g.url}/metrics`)).text();
    assert.match(metrics, new RegExp(`lienthong_gateway_outgoing_queue_depth\\{agency="${A}"\\} 20`));
  } finally {
    await env.startHub();
  }
  await until(
    async () => (await getJson(`${g.url}/v1/status`)).json['tenants'][0].outgoing.queued === 0,
    'the spool drained',
  );

  const outgoing = await Promise.all(
    localIds.map(async (id) => (await getJson(`${g.url}/v1/tenants/${A}/outgoing/${id}`)).json),
  );
  assert.deepEqual(new Set(outgoing.map((o) => o['state'])), new Set(['sent']));
  assert.equal(new Set(outgoing.map((o) => o['docId'])).size, 20);
  const inbox = (await env.client(C).inbox({ limit: 100 })).items.filter((i) => i.subject?.startsWith('Thứ tự '));
  assert.equal(inbox.length, 20, 'each exactly once');
  const byArrival = [...inbox].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || 0);
  assert.deepEqual(
    byArrival.map((i) => i.docId),
    outgoing.map((o) => o['docId']),
    'in the order they were handed over',
  );
  for (const i of inbox) await env.client(C).ack(i.docId, 'done');
});

test('a gateway killed between storing a package and acking it delivers it exactly once after a restart, and acks it', async () => {
  const sent = await env.client(A).submit(await documentPackage(A, [B], 'Gửi trước khi cổng sập'), {
    // PEM text: the intermediate after the agency's certificate goes into KeyInfo too
    sign: { key: env.agencies[A]!.key, certificate: await readFile(env.agencies[A]!.cert, 'utf8') },
  });
  const cfg = gatewayConfig(env, 'gw-crash-in', [B]);
  const inbox = join(folderOf(cfg, B), 'inbox');
  const child = await forkGateway(cfg, 'beforeAck');
  assert.equal(await child.exited, 'SIGKILL');
  // it died with the package in the folder and the hub not told
  assert.deepEqual(await listDir(inbox), [`${sent.docId}.edxml`, `${sent.docId}.json`]);
  assert.ok(
    (await env.client(B).inbox()).items.some((i) => i.docId === sent.docId),
    'still in the hub inbox',
  );

  const g = await gateway(cfg);
  await until(async () => (await env.client(B).inbox()).items.every((i) => i.docId !== sent.docId), 'the ack');
  assert.deepEqual(await listDir(inbox), [`${sent.docId}.edxml`, `${sent.docId}.json`], 'once, nothing half-written');
  const listed = (await getJson(`${g.url}/v1/tenants/${B}/inbox`)).json['items'] as Array<Json>;
  assert.deepEqual(
    listed.map((i) => i['docId']),
    [sent.docId],
  );
  assert.equal(listed[0]!['signature'].status, 'valid', JSON.stringify(listed[0]!['signature']));
  const timeline = await env.client(A).timeline(sent.docId);
  assert.equal(timeline.recipients.find((r) => r.code === B)?.state, 'done');
});

test('a gateway killed after the hub accepted a package resubmits the same bytes: the hub answers the same DocId', async () => {
  const cfg = gatewayConfig(env, 'gw-crash-out', [A]);
  const child = await forkGateway(cfg, 'afterSubmit');
  const r = await post(`${child.url}/v1/tenants/${A}/send`, await documentPackage(A, [C], 'Gửi hai lần'), {
    'Content-Type': 'application/xml',
  });
  assert.equal(r.status, 202);
  assert.equal(await child.exited, 'SIGKILL');
  const atHub = (await env.client(C).inbox()).items.filter((i) => i.subject === 'Gửi hai lần');
  assert.equal(atHub.length, 1);

  const g = await gateway(cfg);
  const row = await until(async () => {
    const o = (await getJson(`${g.url}/v1/tenants/${A}/outgoing/${r.json['localId']}`)).json;
    return o['state'] === 'sent' ? o : undefined;
  }, 'the resubmission');
  assert.equal(row['docId'], atHub[0]!.docId);
  assert.equal(row['duplicate'], true);
  assert.match(row['receipt'], /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.equal(
    (await env.client(C).inbox()).items.filter((i) => i.subject === 'Gửi hai lần').length,
    1,
    'delivered once',
  );
  await env.client(C).ack(atHub[0]!.docId, 'done');
});

test('a status sent through the local API reaches the sender signed by the recipient', async () => {
  const aCfg = gatewayConfig(env, 'gw-status-a', [A]);
  const bCfg = gatewayConfig(env, 'gw-status-b', [B]);
  const ga = await gateway(aCfg);
  const gb = await gateway(bCfg);
  // a simple document as JSON: the gateway builds the package, signs it, spools it
  const sent = await post(
    `${ga.url}/v1/tenants/${A}/send`,
    JSON.stringify({
      to: [B],
      codeNumber: '77',
      codeNotation: 'STC-NS',
      subject: 'Đề nghị báo cáo',
      organName: 'Sở Tài chính',
      attachments: [{ name: 'bao-cao.pdf', contentBase64: Buffer.from('%PDF-1.4 status').toString('base64') }],
    }),
    { 'Content-Type': 'application/json' },
  );
  assert.equal(sent.status, 202, JSON.stringify(sent.json));
  const out = await until(async () => {
    const o = (await getJson(`${ga.url}/v1/tenants/${A}/outgoing/${sent.json['localId']}`)).json;
    return o['state'] === 'sent' ? o : undefined;
  }, 'the document sent');
  const docId = out['docId'] as string;
  await until(
    async () => (await getJson(`${gb.url}/v1/tenants/${B}/documents/${docId}/meta`)).status === 200,
    'B has it',
  );
  const raw = await fetch(`${gb.url}/v1/tenants/${B}/documents/${docId}`);
  assert.equal(raw.headers.get('content-type'), 'application/xml');
  assert.match(await raw.text(), /Đề nghị báo cáo/);

  const status = await post(
    `${gb.url}/v1/tenants/${B}/documents/${docId}/status`,
    JSON.stringify({ code: '03', description: 'Đã tiếp nhận', staff: 'Trần Thị B' }),
    { 'Content-Type': 'application/json' },
  );
  assert.equal(status.status, 202, JSON.stringify(status.json));
  assert.equal(status.json['kind'], 'status');
  const handled = await post(`${gb.url}/v1/tenants/${B}/documents/${docId}/handled`, '');
  assert.ok(handled.json['handledAt']);
  assert.deepEqual(
    (await getJson(`${gb.url}/v1/tenants/${B}/inbox`)).json['items'],
    [],
    'handled: off the default list',
  );

  const aStatuses = join(folderOf(aCfg, A), 'statuses');
  const file = await until(async () => (await listDir(aStatuses)).find((f) => f.endsWith('.json')), 'the status at A');
  const meta = await readJson<Json>(join(aStatuses, file));
  assert.equal(meta['messageType'], 'status');
  assert.equal(meta['statusCode'], '03');
  assert.equal(meta['from'], B);
  assert.equal(meta['responseForDocId'], docId);
  assert.equal(meta['signature'].status, 'valid', JSON.stringify(meta['signature']));
  assert.equal(meta['signature'].signer.agencyCode, B);
  const listed = (await getJson(`${ga.url}/v1/tenants/${A}/inbox?type=status`)).json['items'];
  assert.equal(listed.length, 1);
  const timeline = await env.client(A).timeline(docId);
  const b = timeline.recipients.find((r) => r.code === B)!;
  assert.deepEqual(
    b.statuses.map((s) => [s.statusCode, s.description]),
    [['03', 'Đã tiếp nhận']],
  );
});

test('one gateway, two agencies: each signs with its own key; a tenant with a broken key does not stop them', async () => {
  const shared = gatewayConfig(env, 'gw-shared', [A, C, B]);
  // B's tenant here gets A's key: it cannot sign for B's certificate
  const tenants = shared['tenants'] as Array<Record<string, unknown>>;
  tenants[2]!['signingKey'] = env.agencies[A]!.key;
  tenants[2]!['folder'] = join(env.dir, 'gw-shared', 'folders', 'broken');
  const bCfg = gatewayConfig(env, 'gw-shared-b', [B]);
  const g = await gateway(shared);
  await gateway(bCfg);
  const status = (await getJson(`${g.url}/v1/status`)).json['tenants'] as Array<Json>;
  assert.deepEqual(
    status.map((t) => [t['agency'], t['state']]),
    [
      [A, 'running'],
      [C, 'running'],
      [B, 'error'],
    ],
  );
  assert.match(status[2]!['error'], /does not belong to the certificate/);
  const refused = await post(`${g.url}/v1/tenants/${B}/send`, await documentPackage(B, [A]), {
    'Content-Type': 'application/xml',
  });
  assert.equal(refused.status, 503);

  await dropIntoOutbox(folderOf(shared, A), 'tu-a.edxml', await documentPackage(A, [B], 'Từ A qua cổng chung'));
  await dropIntoOutbox(folderOf(shared, C), 'tu-c.edxml', await documentPackage(C, [B], 'Từ C qua cổng chung'));
  const bInbox = join(folderOf(bCfg, B), 'inbox');
  const metas = await until(async () => {
    const files = (await listDir(bInbox)).filter((f) => f.endsWith('.json'));
    if (files.length < 2) return undefined;
    return Promise.all(files.map((f) => readJson<Json>(join(bInbox, f))));
  }, 'both documents at B');
  const bySubject = Object.fromEntries(metas.map((m) => [m['subject'], m['signature']]));
  assert.equal(bySubject['Từ A qua cổng chung'].status, 'valid');
  assert.equal(bySubject['Từ A qua cổng chung'].signer.agencyCode, A);
  assert.equal(bySubject['Từ C qua cổng chung'].status, 'valid');
  assert.equal(bySubject['Từ C qua cổng chung'].signer.agencyCode, C);
});

test('hostile input: token, tenants, malformed and foreign packages, sizes, path tricks, refusals by the hub', async () => {
  const token = 'local-token-0123456789abcdef';
  const cfg: Record<string, unknown> = {
    ...gatewayConfig(env, 'gw-hostile', [A], { localToken: token }),
    limits: { maxBodyBytes: 64 * 1024 },
  };
  const g = await gateway(cfg);
  const auth = { Authorization: `Bearer ${token}` };
  const xml = { ...auth, 'Content-Type': 'application/xml' };
  const send = `${g.url}/v1/tenants/${A}/send`;

  assert.equal((await post(send, 'x')).status, 401);
  assert.equal((await post(send, 'x', { Authorization: 'Bearer wrong-token-0123456789' })).status, 401);
  assert.equal((await getJson(`${g.url}/health`)).status, 200, 'health needs no token');
  const unknown = await post(`${g.url}/v1/tenants/000.00.00.G01/send`, 'x', xml);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json['error'].code, 'unknown-tenant');
  assert.equal((await post(`${g.url}/v1/tenants/..%2F..%2Fetc/send`, 'x', xml)).status, 400);

  // cut off inside the header: the error names where
  const good = await documentPackage(A, [C]);
  const cut = good.subarray(0, good.indexOf('</edXML:Subject>'));
  const malformed = await post(send, cut, xml);
  assert.equal(malformed.status, 400, JSON.stringify(malformed.json));
  assert.match(malformed.json['error'].message, /MessageHeader|Subject/);
  const notXml = await post(send, '{"hello": 1}', xml);
  assert.equal(notXml.status, 400);

  const foreign = await post(send, await documentPackage(C, [B]), xml);
  assert.equal(foreign.status, 403);
  assert.equal(foreign.json['error'].path, 'MessageHeader/From/OrganId');

  const big = await post(send, Buffer.alloc(100 * 1024, 0x20), xml);
  assert.equal(big.status, 413);

  const json = { ...auth, 'Content-Type': 'application/json' };
  const noSubject = await post(send, JSON.stringify({ to: [C], codeNumber: '1', codeNotation: 'X' }), json);
  assert.equal(noSubject.status, 400);
  assert.equal(noSubject.json['error'].path, 'subject');
  const badTo = await post(
    send,
    JSON.stringify({ to: ['../../x'], codeNumber: '1', codeNotation: 'X', subject: 's' }),
    json,
  );
  assert.equal(badTo.json['error'].path, 'to[0]');
  const badAttachment = await post(
    send,
    JSON.stringify({
      to: [C],
      codeNumber: '1',
      codeNotation: 'X',
      subject: 's',
      attachments: [{ name: '../a.pdf', contentBase64: '' }],
    }),
    json,
  );
  assert.equal(badAttachment.json['error'].path, 'attachments[0].name');
  assert.equal((await post(send, '{not json', json)).json['error'].code, 'bad-json');

  const docs = `${g.url}/v1/tenants/${A}/documents`;
  assert.equal((await getJson(`${docs}/..%2F..%2Fspool.db`, auth)).status, 400);
  assert.equal((await getJson(`${docs}/%E0%A4%A`, auth)).status, 400);
  assert.equal((await getJson(`${docs}/.hidden`, auth)).status, 400);
  assert.equal((await getJson(`${docs}/no-such-doc`, auth)).status, 404);
  assert.equal((await getJson(`${g.url}/v1/tenants/${A}/outgoing/..%2Fx`, auth)).status, 400);
  assert.equal((await getJson(`${g.url}/v1/tenants/${A}/inbox?type=secret`, auth)).status, 400);

  // through the folder: a malformed file, and one the hub refuses (a recipient it does not know)
  const folder = folderOf(cfg, A);
  await dropIntoOutbox(folder, 'hong.edxml', cut);
  await dropIntoOutbox(folder, 'khong-ai-nhan.edxml', await documentPackage(A, ['000.99.99.Z99']));
  const failed = join(folder, 'failed');
  const visible = async () => (await listDir(failed)).filter((f) => !f.startsWith('.'));
  await until(async () => (await visible()).length === 4, 'both in failed/');
  assert.deepEqual(await visible(), [
    'hong.edxml',
    'hong.edxml.error.txt',
    'khong-ai-nhan.edxml',
    'khong-ai-nhan.edxml.error.txt',
  ]);
  assert.match(await readFile(join(failed, 'hong.edxml.error.txt'), 'utf8'), /^(malformed|not-edxml)/);
  assert.match(
    await readFile(join(failed, 'khong-ai-nhan.edxml.error.txt'), 'utf8'),
    /hub answered 4\d\d .*000\.99\.99\.Z99/,
  );
  assert.deepEqual(await listDir(join(folder, 'outbox')), []);
  // nothing half-written in the spool
  const spool = join(cfg.dataDir as string, 'tenants', A);
  assert.deepEqual(await listDir(join(spool, 'tmp')), []);
  const status = (await getJson(`${g.url}/v1/status`, auth)).json['tenants'][0];
  assert.deepEqual([status.outgoing.queued, status.outgoing.failed], [0, 1]);
});

test('an unsigned package is delivered with its verdict, or quarantined and refused at the hub', async () => {
  const deliver = gatewayConfig(env, 'gw-deliver', [B]);
  const quarantine = gatewayConfig(env, 'gw-quarantine', [C], { incoming: 'quarantine' });
  await gateway(deliver);
  await gateway(quarantine);
  const toB = await env.client(A).submit(await documentPackage(A, [B], 'Không ký'));
  const toC = await env.client(A).submit(await documentPackage(A, [C], 'Không ký'));

  const bInbox = join(folderOf(deliver, B), 'inbox');
  await until(async () => (await listDir(bInbox)).includes(`${toB.docId}.json`), 'delivered to B');
  const meta = await readJson<Json>(join(bInbox, `${toB.docId}.json`));
  assert.equal(meta['signature'].status, 'absent');
  assert.equal(meta['placement'], 'inbox');

  const cQuarantine = join(folderOf(quarantine, C), 'quarantine');
  await until(async () => (await listDir(cQuarantine)).includes(`${toC.docId}.edxml`), 'quarantined at C');
  assert.deepEqual(await listDir(join(folderOf(quarantine, C), 'inbox')), []);
  const timeline = await until(async () => {
    const t = await env.client(A).timeline(toC.docId);
    return t.recipients.find((r) => r.code === C)?.state === 'fail' ? t : undefined;
  }, "C's gateway refusing it at the hub");
  const event = timeline.recipients
    .find((r) => r.code === C)!
    .events.map((e) => e.detail ?? '')
    .join(' ');
  assert.match(event, /quarantined by the recipient's gateway: signature absent/);
});

test('a tenant whose API key the hub refuses waits with its queue intact; the other tenant sends meanwhile', async () => {
  const cfg = gatewayConfig(env, 'gw-bad-apikey', [A, C]);
  const tenants = cfg['tenants'] as Array<Record<string, unknown>>;
  tenants[1]!['apiKey'] = 'lt_0000000000_not-the-key-of-this-agency';
  const g = await gateway(cfg);
  await dropIntoOutbox(folderOf(cfg, C), 'cho.edxml', await documentPackage(C, [B], 'Chờ khóa đúng'));
  await dropIntoOutbox(folderOf(cfg, A), 'di.edxml', await documentPackage(A, [B], 'Đi trước'));
  await until(
    async () => (await listDir(join(folderOf(cfg, A), 'sent'))).includes('di.edxml.json'),
    "A's package sent",
  );
  const c = await until(async () => {
    const s = ((await getJson(`${g.url}/v1/status`)).json['tenants'] as Json[])[1]!;
    return s['outgoing'].queued === 1 && /401/.test(s['lastError']?.message ?? '') ? s : undefined;
  }, "C's refusal by the hub");
  assert.equal(c['outgoing'].failed, 0, 'a refused key is not a refused package');
  assert.deepEqual(await listDir(join(folderOf(cfg, C), 'failed')), []);
  const received = (await env.client(B).inbox({ limit: 100 })).items;
  for (const i of received) await env.client(B).ack(i.docId, 'done');
});

test('an HTTPS hub: the gateway trusts it through hub.ca', async () => {
  const tlsEnv = await testEnv([A, B], { tls: true });
  try {
    assert.match(tlsEnv.hubUrl, /^https:/);
    const cfg = { ...gatewayConfig(tlsEnv, 'gw-tls', [A]) } as Json;
    cfg['hub'] = { ...cfg['hub'], ca: tlsEnv.anchor };
    await gateway(cfg);
    await dropIntoOutbox(folderOf(cfg, A), 'qua-https.edxml', await documentPackage(A, [B], 'Qua HTTPS'));
    const sent = await until(
      async () => (await listDir(join(folderOf(cfg, A), 'sent'))).includes('qua-https.edxml.json'),
      'sent over HTTPS',
    );
    assert.ok(sent);
    assert.equal((await tlsEnv.client(B).inbox()).items[0]?.subject, 'Qua HTTPS');
  } finally {
    for (const g of running) await g.close();
    running = [];
    await tlsEnv.dispose();
  }
});
