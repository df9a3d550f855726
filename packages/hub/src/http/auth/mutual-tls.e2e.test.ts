// Mutual TLS on loopback against the real hub: certificates from the hub's development CA (and a foreign CA),
// judged by the hub itself — chain, validity, key usage, CRL, directory — on /v1 and on the VXP routes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { initCa, issueAgencyCert, privateKeyPem, revoke, writeCrl } from '@lienthong/trust';
import { type HttpAnswer, httpCall } from '../../test-support/http-request.js';
import { httpsCall, type TlsClientOptions } from '../../test-support/https-call.js';
import { sampleDocument } from '../../test-support/sample-packages.js';
import { startTestHub, type TestHub } from '../../test-support/start-test-hub.js';
import { javaSdkTimestamp, signLikeJavaSdk } from '../../test-support/vxp-test-client.js';

const SENDER = '000.00.00.G22';
const RECEIVER = '000.00.00.H41';

interface Identity {
  cert: string;
  key: string;
  serial: string;
}

let t: TestHub;
let caDir: string;
let rootPem: string;

async function agencyCert(
  code: string,
  opts: { dir?: string; validityDays?: number; now?: Date; clientAuth?: boolean } = {},
): Promise<Identity> {
  const { dir, ...rest } = opts;
  const issued = await issueAgencyCert(dir ?? caDir, {
    agencyCode: code,
    name: `Cơ quan ${code}`,
    keyType: 'ec-p256',
    ...rest,
  });
  return {
    cert: issued.certificate.toString(),
    key: privateKeyPem(issued.privateKey),
    serial: issued.record.serialNumber,
  };
}

function tls(identity?: Identity): TlsClientOptions {
  return { ca: rootPem, ...(identity ? { cert: identity.cert, key: identity.key } : {}) };
}

function v1(
  identity: Identity | undefined,
  method: string,
  path: string,
  opts: { body?: Buffer | string; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  return httpsCall(`${t.url}/v1${path}`, { method, headers: opts.headers, body: opts.body, tls: tls(identity) });
}

function vxp(
  identity: Identity,
  operation: string,
  headers: Record<string, string>,
  body: Buffer | string = '{}',
): Promise<HttpAnswer> {
  return httpsCall(`${t.url}/${operation}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    tls: tls(identity),
  });
}

function assertRefused(res: HttpAnswer, status: number, message: RegExp): void {
  assert.equal(res.status, status, res.text());
  assert.match(res.json().error.message, message);
}

describe('mutual TLS', () => {
  before(async () => {
    t = await startTestHub({ tls: { dev: true, requestClientCert: true } });
    caDir = join(t.dataDir, 'pki', 'ca');
    rootPem = readFileSync(join(caDir, 'root.pem'), 'utf8');
  });
  after(async () => {
    await t.stop();
  });

  test('the hub serves HTTPS only, TLS 1.2 and later, with a certificate chaining to the development root', async () => {
    assert.match(t.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const ready = await httpsCall(`${t.url}/readyz`, { tls: tls() });
    assert.equal(ready.status, 200);
    assert.equal(ready.json().ok, true);
    await assert.rejects(httpsCall(`${t.url}/readyz`), /self-signed|unable to get|certificate/i);
    await assert.rejects(
      httpsCall(`${t.url}/readyz`, { tls: { ...tls(), maxVersion: 'TLSv1.1' } }),
      /protocol|version|alert|ssl/i,
    );
    await assert.rejects(
      httpCall(`${t.url.replace('https:', 'http:')}/readyz`),
      /socket hang up|ECONNRESET|EPIPE|parse/i,
    );
    const again = await httpsCall(`${t.url}/healthz`, { tls: tls() });
    assert.equal(again.status, 200, 'a plain-HTTP attempt does not hurt the server');
  });

  test('/v1 loop authenticated only by client certificates: submit, inbox, fetch, ack', async () => {
    const sender = await agencyCert(SENDER);
    const receiver = await agencyCert(RECEIVER);
    const doc = await sampleDocument({ from: SENDER, to: [RECEIVER], subject: 'V/v liên thông qua mTLS' });
    const submitted = await v1(sender, 'POST', '/packages', {
      body: doc.bytes,
      headers: { 'content-type': 'application/xml' },
    });
    assert.equal(submitted.status, 201, submitted.text());
    const docId: string = submitted.json().docId;

    const inbox = await v1(receiver, 'GET', '/inbox');
    assert.equal(inbox.status, 200, inbox.text());
    assert.deepEqual(
      inbox.json().items.map((i: { docId: string; from: string }) => [i.docId, i.from]),
      [[docId, SENDER]],
    );
    const fetched = await v1(receiver, 'GET', `/packages/${docId}`);
    assert.equal(fetched.status, 200);
    assert.ok(fetched.text().includes('V/v liên thông qua mTLS'));
    const ack = await v1(receiver, 'POST', `/packages/${docId}/ack`, {
      body: JSON.stringify({ state: 'done' }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(ack.status, 204, ack.text());
    assert.deepEqual((await v1(receiver, 'GET', '/inbox')).json().items, []);

    const timeline = await v1(sender, 'GET', `/packages/${docId}/timeline`);
    assert.equal(timeline.status, 200);
    assert.equal(timeline.json().recipients[0].state, 'done');
    assertRefused(await v1(sender, 'GET', `/packages/${docId}/nope`), 404, /no route/);
  });

  test('a client certificate and an API key of the same agency work together; of two agencies they are refused', async () => {
    const receiver = await agencyCert(RECEIVER);
    const own = await v1(receiver, 'GET', '/inbox', {
      headers: { authorization: `Bearer ${t.creds(RECEIVER).apiKey}` },
    });
    assert.equal(own.status, 200, own.text());
    const crossed = await v1(receiver, 'GET', '/inbox', {
      headers: { authorization: `Bearer ${t.creds(SENDER).apiKey}` },
    });
    assertRefused(
      crossed,
      401,
      /the API key belongs to 000\.00\.00\.G22 but the client certificate to 000\.00\.00\.H41/,
    );
    const keyOnly = await v1(undefined, 'GET', '/inbox', {
      headers: { authorization: `Bearer ${t.creds(SENDER).apiKey}` },
    });
    assert.equal(keyOnly.status, 200, 'API keys keep working without a certificate');
    assertRefused(
      await v1(undefined, 'GET', '/inbox'),
      401,
      /missing Authorization: Bearer <API key> \(or a TLS client certificate\)/,
    );
  });

  test('VXP sendEdoc and getReceivedEdocList by client certificate, without HMAC headers', async () => {
    const sender = await agencyCert(SENDER);
    const receiver = await agencyCert(RECEIVER);
    const doc = await sampleDocument({ from: SENDER, to: [RECEIVER], subject: 'V/v VXP qua mTLS' });
    const sent = await vxp(
      sender,
      'sendEdoc',
      {
        'XroadVnpt-from': SENDER,
        'XroadVnpt-messagetype': 'edoc',
        'XroadVnpt-servicetype': 'eDoc',
        'content-type': 'application/octet-stream',
      },
      doc.bytes,
    );
    assert.equal(sent.status, 200);
    assert.equal(sent.json().status, 'OK', sent.text());
    const docId: string = sent.json().DocId;

    const list = await vxp(receiver, 'getReceivedEdocList', {
      'XroadVnpt-systemid': RECEIVER,
      'XroadVnpt-messagetype': 'edoc',
      'XroadVnpt-timestamp': javaSdkTimestamp(),
    });
    assert.equal(list.json().status, 'OK', list.text());
    assert.ok(list.json().data.some((r: { docId: string; from: string }) => r.docId === docId && r.from === SENDER));

    const wrongSystem = await vxp(receiver, 'getReceivedEdocList', { 'XroadVnpt-systemid': SENDER });
    assert.deepEqual(wrongSystem.json(), {
      status: 'FAIL',
      ErrorCode: '401',
      ErrorDesc: `XroadVnpt-systemid "${SENDER}" is not the agency of the client certificate (${RECEIVER})`,
    });
    const stale = await vxp(receiver, 'countReceiveEdoc', {
      'XroadVnpt-timestamp': javaSdkTimestamp(new Date(Date.now() - 3600_000)),
    });
    assert.equal(stale.json().ErrorCode, '401');
    assert.match(stale.json().ErrorDesc, /outside the 900 s window/);

    // the SDK's HMAC still verifies on an mTLS connection, and must name the certificate's agency
    const signed = signLikeJavaSdk(
      t.creds(RECEIVER).secret,
      new Map([
        ['systemid', RECEIVER],
        ['timestamp', javaSdkTimestamp()],
      ]),
    );
    assert.equal((await vxp(receiver, 'countReceiveEdoc', signed)).json().status, 'OK');
    const foreign = signLikeJavaSdk(
      t.creds(SENDER).secret,
      new Map([
        ['systemid', SENDER],
        ['timestamp', javaSdkTimestamp()],
      ]),
    );
    assert.match(
      (await vxp(receiver, 'countReceiveEdoc', foreign)).json().ErrorDesc,
      /is not the agency of the client certificate/,
    );
  });

  test("a demo agency's own certificate file (leaf + intermediate) authenticates it", async () => {
    const demoKeys = join(t.dataDir, 'demo-keys');
    const identity = {
      cert: readFileSync(join(demoKeys, `${RECEIVER}.pem`), 'utf8'),
      key: readFileSync(join(demoKeys, `${RECEIVER}.key`), 'utf8'),
      serial: '',
    };
    const answer = await v1(identity, 'GET', '/inbox');
    assert.equal(answer.status, 200, answer.text());
  });

  test('a certificate from a CA the hub does not trust: 401 naming it, over /v1 and VXP', async () => {
    const foreignDir = await mkdtemp(join(tmpdir(), 'lienthong-foreign-ca-'));
    try {
      await initCa(foreignDir, { keyType: 'ec-p256' });
      const impostor = await agencyCert(SENDER, { dir: foreignDir });
      assertRefused(
        await v1(impostor, 'GET', '/inbox'),
        401,
        new RegExp(
          `^client certificate of 000\\.00\\.00\\.G22 is not trusted \\(serial ${impostor.serial}\\): no path to a trust anchor`,
        ),
      );
      const answer = (await vxp(impostor, 'countReceiveEdoc', {})).json();
      assert.equal(answer.ErrorCode, '401');
      assert.match(answer.ErrorDesc, /is not trusted/);
      // a valid API key does not rescue a refused certificate
      assertRefused(
        await v1(impostor, 'GET', '/inbox', { headers: { authorization: `Bearer ${t.creds(SENDER).apiKey}` } }),
        401,
        /is not trusted/,
      );
    } finally {
      await rm(foreignDir, { recursive: true, force: true });
    }
  });

  test('a revoked certificate is refused once the CRL is published and refreshed', async () => {
    const revoked = await agencyCert(RECEIVER);
    assert.equal((await v1(revoked, 'GET', '/inbox')).status, 200, 'valid before the revocation');
    await revoke(caDir, revoked.serial, 'keyCompromise');
    await writeCrl(caDir);
    await t.hub.pki.crls.refresh();
    assertRefused(
      await v1(revoked, 'GET', '/inbox'),
      401,
      new RegExp(
        `^client certificate of 000\\.00\\.00\\.H41 is revoked \\(serial ${revoked.serial}\\): .*revoked on .*keyCompromise`,
      ),
    );
    assert.match((await vxp(revoked, 'countReceiveEdoc', {})).json().ErrorDesc, /is revoked/);
    const fresh = await agencyCert(RECEIVER);
    assert.equal((await v1(fresh, 'GET', '/inbox')).status, 200, 'another certificate of the agency still works');
  });

  test('expired, not for client authentication, without an agency in the directory, of a disabled agency', async () => {
    const expired = await agencyCert(SENDER, { now: new Date(Date.now() - 10 * 86_400_000), validityDays: 2 });
    assertRefused(
      await v1(expired, 'GET', '/inbox'),
      401,
      /^client certificate of 000\.00\.00\.G22 has expired \(serial [0-9A-F]+\): .*expired on/,
    );

    const signingOnly = await agencyCert(SENDER, { clientAuth: false });
    assertRefused(
      await v1(signingOnly, 'GET', '/inbox'),
      401,
      /client certificate of 000\.00\.00\.G22 does not allow TLS client authentication \(serial [0-9A-F]+; extended key usage 1\.3\.6\.1\.5\.5\.7\.3\.36\)/,
    );

    const stranger = await agencyCert('000.00.00.X99');
    assertRefused(await v1(stranger, 'GET', '/inbox'), 401, /no agency 000\.00\.00\.X99 in the directory/);
    assert.match((await vxp(stranger, 'countReceiveEdoc', {})).json().ErrorDesc, /no agency 000\.00\.00\.X99/);

    const disabledCode = '000.00.00.H53';
    const disabled = await agencyCert(disabledCode);
    assert.equal((await v1(disabled, 'GET', '/inbox')).status, 200);
    await t.hub.setAgencyEnabled(disabledCode, false);
    try {
      assertRefused(
        await v1(disabled, 'GET', '/inbox'),
        403,
        /agency 000\.00\.00\.H53 of the client certificate is disabled/,
      );
      const answer = (await vxp(disabled, 'countReceiveEdoc', {})).json();
      assert.deepEqual(
        [answer.ErrorCode, answer.ErrorDesc],
        ['403', 'agency 000.00.00.H53 of the client certificate is disabled'],
      );
    } finally {
      await t.hub.setAgencyEnabled(disabledCode, true);
    }
  });
});

describe('HTTPS without requestClientCert', () => {
  let plain: TestHub;
  before(async () => {
    plain = await startTestHub({ tls: { dev: true } });
  });
  after(async () => {
    await plain.stop();
  });

  test('client certificates are ignored: API keys and HMAC authenticate as before', async () => {
    const ca = readFileSync(join(plain.dataDir, 'pki', 'ca', 'root.pem'), 'utf8');
    const caDirOfPlain = join(plain.dataDir, 'pki', 'ca');
    const issued = await issueAgencyCert(caDirOfPlain, { agencyCode: SENDER, name: 'G22', keyType: 'ec-p256' });
    const client = { ca, cert: issued.certificate.toString(), key: privateKeyPem(issued.privateKey) };
    const noKey = await httpsCall(`${plain.url}/v1/inbox`, { tls: client });
    assert.equal(noKey.status, 401);
    assert.equal(noKey.json().error.message, 'missing Authorization: Bearer <API key>');
    const withKey = await httpsCall(`${plain.url}/v1/inbox`, {
      tls: client,
      headers: { authorization: `Bearer ${plain.creds(RECEIVER).apiKey}` },
    });
    assert.equal(withKey.status, 200, 'a certificate of another agency is not even looked at');
    const signed = signLikeJavaSdk(
      plain.creds(RECEIVER).secret,
      new Map([
        ['systemid', RECEIVER],
        ['timestamp', javaSdkTimestamp()],
      ]),
    );
    const vxpAnswer = await httpsCall(`${plain.url}/countReceiveEdoc`, {
      method: 'POST',
      headers: signed,
      body: '{}',
      tls: client,
    });
    assert.equal(vxpAnswer.json().status, 'OK', vxpAnswer.text());
    const unsigned = await httpsCall(`${plain.url}/countReceiveEdoc`, { method: 'POST', body: '{}', tls: client });
    assert.match(unsigned.json().ErrorDesc, /missing header XroadVnpt-sign-header/);
  });
});
