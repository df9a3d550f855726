import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, test } from 'node:test';
import { createCrl } from '../pki/issue-certificate.js';
import { type TestPki, testPki } from '../testing/dev-pki.js';
import { crlToPem } from '../x509/certificate-input.js';
import { createReceipt, createReceiptAsync, type ReceiptInput, verifyReceipt } from './receipt.js';

let pki: TestPki;
before(async () => {
  pki = await testPki();
});

const input: ReceiptInput = {
  docId: '000.00.00.G22,2024/05/30,12/VPCP-TTĐT',
  sha256: 'AB'.repeat(32),
  size: 134_217_728,
  sender: '000.00.00.G22',
  recipients: ['000.00.00.H41', '000.46.24.H44'],
  acceptedAt: new Date(),
};

function chain() {
  return [pki.hub.certificate, pki.intermediate.certificate];
}

function reencode(receipt: string, edit: (part: Buffer, index: number) => Buffer | string): string {
  return receipt
    .split('.')
    .map((p, i) => {
      const out = edit(Buffer.from(p, 'base64url'), i);
      return Buffer.from(out).toString('base64url');
    })
    .join('.');
}

test('a receipt is a compact JWS over canonical JSON, verifiable offline against the root', async () => {
  const receipt = createReceipt(input, pki.hub.privateKey, chain());
  assert.match(receipt, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  const [header, payload] = receipt.split('.').map((p) => Buffer.from(p, 'base64url').toString());
  assert.deepEqual(Object.keys(JSON.parse(header!)), ['alg', 'typ', 'x5c']);
  assert.equal(JSON.parse(header!).alg, 'ES256');
  assert.ok(payload!.startsWith('{"acceptedAt":"'));
  const v = await verifyReceipt(receipt, [pki.root.certificate]);
  assert.equal(v.valid, true, JSON.stringify(v.reasons));
  assert.equal(v.fields?.sha256, 'ab'.repeat(32));
  assert.deepEqual(v.fields?.recipients, input.recipients);
  assert.match(v.hub?.subject ?? '', /CN=localhost/);
  // an RSA key gives RS256
  const rsa = createReceipt(input, pki.agencyRsa.privateKey, [pki.agencyRsa.certificate, pki.intermediate.certificate]);
  assert.equal((await verifyReceipt(rsa, [pki.root.certificate])).valid, true);
});

test('tampered, re-serialised, untrusted or revoked receipts are refused', async () => {
  const receipt = createReceipt(input, pki.hub.privateKey, chain());
  const codes = async (r: string, anchors = [pki.root.certificate], extra = {}) =>
    (await verifyReceipt(r, anchors, extra)).reasons.filter((x) => x.severity === 'error').map((x) => x.code);

  const changed = reencode(receipt, (p, i) => (i === 1 ? p.toString().replace('"size":134217728', '"size":1') : p));
  assert.deepEqual(await codes(changed), ['signature-mismatch']);
  assert.deepEqual(await codes(receipt, [pki.agencyEc.certificate]), ['chain-untrusted']);
  assert.deepEqual(await codes('not.a.receipt!'), ['jws-malformed']);
  const noneAlg = reencode(receipt, (p, i) => (i === 0 ? p.toString().replace('ES256', 'none') : p));
  assert.deepEqual(await codes(noneAlg), ['unsupported-algorithm']);

  const crl = crlToPem(
    await createCrl(pki.intermediate, {
      crlNumber: 5,
      entries: [{ serialNumber: pki.hub.certificate.serialNumber, revokedAt: new Date(Date.now() - 60_000) }],
    }),
  );
  assert.deepEqual(await codes(receipt, [pki.root.certificate], { crls: [crl] }), ['certificate-revoked']);
  // revoked after the receipt was issued: the receipt stands
  const old = createReceipt({ ...input, acceptedAt: new Date(Date.now() - 120_000) }, pki.hub.privateKey, chain());
  assert.deepEqual(await codes(old, [pki.root.certificate], { crls: [crl] }), []);
  assert.throws(() => createReceipt({ ...input, sha256: 'xyz' }, pki.hub.privateKey, chain()), /sha256/);
  assert.throws(() => createReceipt(input, pki.agencyEc.privateKey, chain()), /does not belong/);
});

test('a key signing again with parsed certificates reuses its header, and is still checked against another chain', async () => {
  const parsed = [
    new X509Certificate(pki.hub.certificate.toString()),
    new X509Certificate(pki.intermediate.certificate.toString()),
  ];
  const first = createReceipt(input, pki.hub.privateKey, parsed);
  const again = createReceipt(input, pki.hub.privateKey, parsed);
  assert.equal(again.split('.')[0], first.split('.')[0]);
  assert.equal((await verifyReceipt(again, [pki.root.certificate])).valid, true);
  const other = [new X509Certificate(pki.agencyEc.certificate.toString()), parsed[1]!];
  assert.throws(() => createReceipt(input, pki.hub.privateKey, other), /does not belong/);
  // the same array, its certificate replaced: not the chain the header was built for
  parsed[0] = other[0]!;
  assert.throws(() => createReceipt(input, pki.hub.privateKey, parsed), /does not belong/);
});

test('a receipt may name the accepting hub (hubId); any other extra field is refused', async () => {
  const named = createReceipt({ ...input, hubId: 'lienthong.hub' }, pki.hub.privateKey, chain());
  const v = await verifyReceipt(named, [pki.root.certificate]);
  assert.equal(v.valid, true, JSON.stringify(v.reasons));
  assert.equal(v.fields?.hubId, 'lienthong.hub');
  assert.match(Buffer.from(named.split('.')[1]!, 'base64url').toString(), /"docId":"[^"]+","hubId":"lienthong.hub"/);
  assert.throws(() => createReceipt({ ...input, hubId: '' }, pki.hub.privateKey, chain()), /hubId/);
});

test('a receipt signed in the thread pool has the same header and payload and verifies', async () => {
  const sync = createReceipt(input, pki.hub.privateKey, chain());
  const async = await createReceiptAsync(input, pki.hub.privateKey, chain());
  assert.deepEqual(async.split('.').slice(0, 2), sync.split('.').slice(0, 2));
  const v = await verifyReceipt(async, [pki.root.certificate]);
  assert.equal(v.valid, true, JSON.stringify(v.reasons));
  // RS256 too
  const rsaChain = [pki.agencyRsa.certificate, pki.intermediate.certificate];
  const rsa = await createReceiptAsync(input, pki.agencyRsa.privateKey, rsaChain);
  assert.equal(rsa, createReceipt(input, pki.agencyRsa.privateKey, rsaChain), 'RSA PKCS#1 v1.5 is deterministic');
  // a key that does not belong to the chain is refused as by createReceipt
  await assert.rejects(
    async () => createReceiptAsync(input, pki.agencyRsa.privateKey, chain()),
    /does not belong to the first certificate/,
  );
  await assert.rejects(
    async () => createReceiptAsync({ ...input, sha256: 'xyz' }, pki.hub.privateKey, chain()),
    /sha256/,
  );
});
