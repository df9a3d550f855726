// Signature refusals and verdicts over HTTP: /v1 answers 422 bad-signature, VXP /sendEdoc answers
// FAIL with ErrorCode 422 and the same message; the /v1 timeline carries the verdict.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { signPackage } from '@lienthong/trust';
import { collectStream } from '../core/hub-test-support.js';
import { httpCall } from '../test-support/http-request.js';
import { sampleDocument } from '../test-support/sample-packages.js';
import { startTestHub, type TestHub } from '../test-support/start-test-hub.js';
import { javaSdkHashFile, VxpTestClient } from '../test-support/vxp-test-client.js';

const SENDER = '000.00.00.G22';
const RECEIVER = '000.00.00.H41';

let t: TestHub;

async function signed(bytes: Buffer): Promise<Buffer> {
  const c = t.demo.all.find((x) => x.systemId === SENDER)!;
  const s = await signPackage(
    async function* () {
      yield bytes;
    },
    { key: await readFile(c.key!, 'utf8'), certificate: await readFile(c.certificate!, 'utf8') },
  );
  return collectStream(s.bytes());
}

function postV1(bytes: Buffer) {
  return httpCall(`${t.url}/v1/packages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.creds(SENDER).apiKey}`, 'content-type': 'application/xml' },
    body: bytes,
  });
}

function sendEdoc(bytes: Buffer) {
  return new VxpTestClient(t.url, t.creds(SENDER)).json(
    'sendEdoc',
    { servicetype: 'eDoc', messagetype: 'edoc', from: SENDER, 'hash-file': javaSdkHashFile(bytes) },
    { body: bytes, contentType: 'application/octet-stream' },
  );
}

describe('signatures over HTTP (hub default policy require)', () => {
  before(async () => {
    t = await startTestHub({ trust: { signaturePolicy: 'require' } });
  });
  after(() => t.stop());

  test('an altered package: /v1 422 bad-signature and VXP FAIL 422 with the same message', async () => {
    const good = await signed((await sampleDocument({ from: SENDER, to: [RECEIVER] })).bytes);
    const altered = Buffer.from(good.toString('utf8').replace('kiểm thử liên thông', 'kiểm thử liên thôngg'));
    const v1 = await postV1(altered);
    assert.equal(v1.status, 422);
    assert.equal(v1.json().error.code, 'bad-signature');
    assert.match(v1.json().error.message, /^signature invalid: digest-mismatch — the package was altered/);
    const vxp = await sendEdoc(altered);
    assert.equal(vxp.status, 'FAIL');
    assert.equal(vxp.ErrorCode, '422');
    assert.equal(vxp.ErrorDesc, v1.json().error.message);
  });

  test('an unsigned package is refused on both protocols; metrics count refused{reason="bad-signature"}', async () => {
    const unsigned = (await sampleDocument({ from: SENDER, to: [RECEIVER] })).bytes;
    const vxp = await sendEdoc(unsigned);
    assert.equal(vxp.ErrorCode, '422');
    assert.match(vxp.ErrorDesc, /^signature absent: signature-absent — /);
    assert.equal((await postV1(unsigned)).status, 422);
    const metrics = (await httpCall(`${t.url}/metrics`)).text();
    assert.match(metrics, /lienthong_packages_refused_total\{reason="bad-signature"\} [3-9]/);
  });

  test('a signed package is accepted over VXP; the /v1 timeline shows the verdict and signer', async () => {
    const ok = await sendEdoc(await signed((await sampleDocument({ from: SENDER, to: [RECEIVER] })).bytes));
    assert.equal(ok.status, 'OK', ok.ErrorDesc);
    const timeline = await httpCall(`${t.url}/v1/packages/${ok.DocId}/timeline`, {
      headers: { authorization: `Bearer ${t.creds(SENDER).apiKey}` },
    });
    assert.equal(timeline.status, 200);
    const signature = timeline.json().signature;
    assert.equal(signature.status, 'valid');
    assert.equal(signature.policy, 'require');
    assert.equal(signature.signer.agencyCode, SENDER);
    assert.match(signature.checkedAt, /^\d{4}-\d{2}-\d{2}T/);
    const agency = await httpCall(`${t.url}/v1/agencies/${SENDER}`, {
      headers: { authorization: `Bearer ${t.creds(SENDER).apiKey}` },
    });
    assert.equal(agency.json().signaturePolicy, undefined);
  });
});
