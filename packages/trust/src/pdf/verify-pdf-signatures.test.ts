import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createCrl, createIntermediateCa, createRootCa, issueAgencyCertificate } from '../pki/issue-certificate.js';
import { privateKeyPem } from '../pki/key-pair.js';
import { type TestPki, testPki } from '../testing/dev-pki.js';
import { type OpensslSignOptions, opensslSign, opensslVerify } from '../testing/pdf/openssl-cms.js';
import {
  appendTextUpdate,
  buildPdf,
  type PdfOptions,
  prepareSignature,
  type SignatureFieldOptions,
  type TestPdf,
} from '../testing/pdf/test-pdf.js';
import { writeTemp } from '../testing/pdf/write-temp.js';
import { type ByteSource, bufferSource } from './byte-source.js';
import type { PdfReasonCode } from './pdf-reasons.js';
import type { PdfSignatureVerdict, PdfVerification } from './pdf-verdict.js';
import { type PdfVerifyOptions, verifyPdfSignatures } from './verify-pdf-signatures.js';

let pki: TestPki;
let options: PdfVerifyOptions;
let rsa: OpensslSignOptions;
let ec: OpensslSignOptions;

before(async () => {
  pki = await testPki();
  const crl = await createCrl(pki.intermediate, { crlNumber: 1 });
  options = { trustAnchors: [pki.root.certificate], crls: [crl] };
  rsa = { cert: pki.files.agencyRsaCert, key: pki.files.agencyRsaKey, chain: pki.files.intermediate };
  ec = { cert: pki.files.agencyEcCert, key: pki.files.agencyEcKey, chain: pki.files.intermediate };
});

function signedPdf(
  signer: OpensslSignOptions,
  opts: { pdf?: PdfOptions; field?: SignatureFieldOptions; base?: TestPdf } = {},
): { bytes: Buffer; signed: TestPdf } {
  const prepared = prepareSignature(opts.base ?? buildPdf(opts.pdf), opts.field);
  const der = opensslSign(prepared.signedBytes(), signer);
  const bytes = prepared.embed(der);
  return { bytes, signed: { ...prepared.pdf, bytes } };
}

async function verify(bytes: Uint8Array, extra: Partial<PdfVerifyOptions> = {}): Promise<PdfVerification> {
  return verifyPdfSignatures(bufferSource(bytes), { ...options, ...extra });
}

async function only(bytes: Uint8Array, extra: Partial<PdfVerifyOptions> = {}): Promise<PdfSignatureVerdict> {
  const result = await verify(bytes, extra);
  assert.equal(result.signatures.length, 1);
  return result.signatures[0]!;
}

function codes(v: { reasons: Array<{ code: PdfReasonCode }> }): PdfReasonCode[] {
  return v.reasons.map((r) => r.code);
}

function errors(v: PdfSignatureVerdict): PdfReasonCode[] {
  return v.reasons.filter((r) => r.severity !== 'note').map((r) => r.code);
}

test('an RSA signature made by openssl is valid, covers the whole file and names the agency', async () => {
  const { bytes } = signedPdf(rsa);
  const v = await only(bytes);
  assert.equal(v.status, 'valid', JSON.stringify(v.reasons));
  assert.deepEqual(errors(v), []);
  assert.equal(v.coversWholeDocument, true);
  assert.equal(v.subFilter, 'adbe.pkcs7.detached');
  assert.equal(v.signatureAlgorithm, 'rsa-pkcs1-sha256');
  assert.equal(v.digestAlgorithm, 'sha256');
  assert.equal(v.signer?.agencyCode, '000.00.00.G22');
  assert.equal(v.signer?.serialNumber, pki.agencyRsa.certificate.serialNumber.toUpperCase());
  assert.equal(v.signingTimeSource, 'cms');
  assert.ok(Math.abs(v.signingTime!.getTime() - Date.now()) < 60_000);
  assert.equal(v.weak, false);
});

test('ECDSA P-256, RSA-PSS, no signed attributes and CAdES signatures are valid', async () => {
  const cases: Array<[string, OpensslSignOptions, SignatureFieldOptions, string]> = [
    ['ecdsa', ec, {}, 'ecdsa-sha256'],
    ['pss', { ...rsa, pss: true }, {}, 'rsa-pss-sha256'],
    ['noattr', { ...rsa, noattr: true }, {}, 'rsa-pkcs1-sha256'],
    ['cades', { ...ec, cades: true }, { subFilter: 'ETSI.CAdES.detached' }, 'ecdsa-sha256'],
    ['sha512', { ...rsa, md: 'sha512' }, { contentsFirst: true }, 'rsa-pkcs1-sha512'],
  ];
  for (const [name, signer, field, algorithm] of cases) {
    const v = await only(signedPdf(signer, { field }).bytes);
    assert.equal(v.status, 'valid', `${name}: ${JSON.stringify(v.reasons)}`);
    assert.equal(v.signatureAlgorithm, algorithm, name);
  }
  const noattr = await only(signedPdf({ ...rsa, noattr: true }).bytes);
  // without signed attributes the only time is the dictionary's /M, which the signature does not cover
  assert.equal(noattr.signingTimeSource, 'pdf');
  assert.equal(noattr.signingTime?.toISOString(), '2024-05-01T01:00:00.000Z');
});

test('SHA-1 verifies but is reported weak', async () => {
  const v = await only(signedPdf({ ...rsa, md: 'sha1' }).bytes);
  assert.equal(v.status, 'valid');
  assert.equal(v.weak, true);
  assert.ok(codes(v).includes('weak-algorithm'));
});

test('a byte changed inside the signed ranges: digest-mismatch, and openssl agrees', async () => {
  const prepared = prepareSignature(buildPdf({ text: 'Quyet dinh so 12' }));
  const der = opensslSign(prepared.signedBytes(), rsa);
  const bytes = prepared.embed(der);
  const at = bytes.indexOf('so 12') + 3;
  bytes[at] = '9'.charCodeAt(0);
  const v = await only(bytes);
  assert.equal(v.status, 'invalid');
  assert.deepEqual(errors(v), ['digest-mismatch']);
  const data = Buffer.concat([bytes.subarray(0, prepared.byteRange[1]), bytes.subarray(prepared.byteRange[2])]);
  assert.equal(opensslVerify(der, data, pki.files.root), false);
  assert.equal(opensslVerify(der, prepared.signedBytes(), pki.files.root), true);
});

test('an incremental update appended after signing: partial coverage, indeterminate', async () => {
  const { signed } = signedPdf(rsa);
  const edited = appendTextUpdate(signed, 'Noi dung them sau khi ky');
  const v = await only(edited.bytes);
  assert.equal(v.status, 'indeterminate');
  assert.equal(v.coversWholeDocument, false);
  assert.deepEqual(errors(v), ['partial-coverage']);
  assert.match(v.reasons.find((r) => r.code === 'partial-coverage')!.message, /bytes after the signed revision/);
});

test('two signatures: the earlier covers its revision only, the later the whole file', async () => {
  const first = signedPdf(rsa);
  const second = signedPdf(ec, { base: first.signed });
  const result = await verify(second.bytes);
  assert.equal(result.signatures.length, 2);
  const [a, b] = result.signatures as [PdfSignatureVerdict, PdfSignatureVerdict];
  assert.equal(a.signer?.agencyCode, '000.00.00.G22');
  assert.equal(a.status, 'indeterminate');
  assert.equal(a.coversWholeDocument, false);
  assert.equal(b.signer?.agencyCode, '000.00.00.H41');
  assert.equal(b.status, 'valid');
  assert.equal(b.coversWholeDocument, true);
});

test('a certificate from an unknown CA: chain-untrusted', async () => {
  const root = await createRootCa({ keyType: 'ec-p256' });
  const ca = await createIntermediateCa(root, { keyType: 'ec-p256' });
  const impostor = await issueAgencyCertificate(ca, { agencyCode: '000.00.00.G22', name: 'Impostor' });
  const files = {
    cert: writeTemp('impostor.pem', impostor.certificate.toString()),
    key: writeTemp('impostor.key', privateKeyPem(impostor.privateKey)),
    chain: writeTemp('impostor-ca.pem', ca.certificate.toString()),
  };
  const v = await only(signedPdf(files).bytes);
  assert.equal(v.status, 'invalid');
  assert.deepEqual(errors(v), ['chain-untrusted']);
  assert.equal(v.signer?.agencyCode, '000.00.00.G22');
});

test('a certificate revoked before signing: certificate-revoked', async () => {
  const revokedCert = await issueAgencyCertificate(pki.intermediate, {
    agencyCode: '000.00.00.G09',
    name: 'Bộ Tài chính',
    keyType: 'ec-p256',
  });
  const crl = await createCrl(pki.intermediate, {
    crlNumber: 2,
    entries: [{ serialNumber: revokedCert.certificate.serialNumber, revokedAt: new Date(Date.now() - 60_000) }],
  });
  const signer = {
    cert: writeTemp('revoked.pem', revokedCert.certificate.toString()),
    key: writeTemp('revoked.key', privateKeyPem(revokedCert.privateKey)),
    chain: pki.files.intermediate,
  };
  const { bytes } = signedPdf(signer);
  const v = await only(bytes, { crls: [crl] });
  assert.equal(v.status, 'invalid');
  assert.deepEqual(errors(v), ['certificate-revoked']);
  // without the CRL the same signature is valid: the reason is the revocation alone
  assert.equal((await only(bytes, { crls: [] })).status, 'valid');
});

test('a PDF without a signature has no verdicts and says so', async () => {
  const result = await verify(buildPdf().bytes);
  assert.deepEqual(result.signatures, []);
  assert.deepEqual(codes(result), ['signature-absent']);
});

test('malformed signatures: not CMS, not hex, hole elsewhere, broken ByteRange, too large', async () => {
  const garbage = prepareSignature(buildPdf());
  const notCms = await only(garbage.embed(Buffer.from('3003020101', 'hex')));
  assert.equal(notCms.status, 'invalid');
  assert.deepEqual(errors(notCms), ['cms-malformed']);

  const text = Buffer.from(garbage.pdf.bytes);
  text.write('ZZ', garbage.byteRange[1] + 1, 'latin1');
  assert.deepEqual(errors(await only(text)), ['contents-malformed']);

  const { bytes } = signedPdf(rsa);
  const [, b, c, d] = prepareRange(bytes);
  const shifted = rewriteByteRange(bytes, [0, b - 10, c, d]);
  assert.deepEqual(errors(await only(shifted)), ['byte-range-hole']);
  const three = rewriteByteRange(bytes, [0, b, c]);
  assert.deepEqual(errors(await only(three)), ['byte-range-malformed']);
  const beyond = rewriteByteRange(bytes, [0, b, c, d + 100]);
  assert.deepEqual(errors(await only(beyond)), ['byte-range-malformed']);

  const big = signedPdf(rsa, { field: { reserve: 1536 * 1024 } });
  const tooLarge = await only(big.bytes);
  assert.deepEqual(errors(tooLarge), ['contents-too-large']);
  assert.equal((await only(big.bytes, { maxContentsBytes: 2 * 1024 * 1024 })).status, 'valid');
});

test('a document time-stamp or an unknown SubFilter is indeterminate, not verified', async () => {
  const v = await only(signedPdf(rsa, { field: { subFilter: 'ETSI.RFC3161' } }).bytes);
  assert.equal(v.status, 'indeterminate');
  assert.deepEqual(errors(v), ['sub-filter-unsupported']);
});

test('the scan finds signatures whatever the chunking (keys and hex split across reads)', async () => {
  const { bytes } = signedPdf(ec);
  for (const size of [1, 7, 509, 4096]) {
    const v = (await verifyPdfSignatures(chunkedSource(bytes, size), options)).signatures;
    assert.equal(v.length, 1, `chunks of ${size}`);
    assert.equal(v[0]!.status, 'valid', `chunks of ${size}: ${JSON.stringify(v[0]!.reasons)}`);
  }
});

test('a 64 MiB PDF verifies in two streaming passes', async () => {
  const { bytes } = signedPdf(rsa, { pdf: { fillerBytes: 64 * 1024 * 1024 } });
  const started = performance.now();
  const v = await only(bytes);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(v.status, 'valid');
  assert.equal(v.coversWholeDocument, true);
  process.stdout.write(`# 64 MiB PDF verified in ${seconds.toFixed(2)} s (${(64 / seconds).toFixed(0)} MiB/s)\n`);
});

function prepareRange(bytes: Buffer): [number, number, number, number] {
  const m = /\/ByteRange \[([\d ]+)\]/.exec(bytes.toString('latin1'))!;
  return m[1]!.trim().split(/\s+/).map(Number) as [number, number, number, number];
}

/** Writes a different ByteRange over the existing one, same length. */
function rewriteByteRange(bytes: Buffer, range: number[]): Buffer {
  const out = Buffer.from(bytes);
  const text = out.toString('latin1');
  const m = /\/ByteRange (\[[\d ]+\])/.exec(text)!;
  const at = m.index + '/ByteRange '.length;
  out.write(`[${range.join(' ')}`.padEnd(m[1]!.length - 1, ' ') + ']', at, 'latin1');
  return out;
}

function chunkedSource(bytes: Buffer, size: number): ByteSource {
  return {
    size: bytes.length,
    async *read(start: number, end: number) {
      for (let i = start; i < end; i += size) yield bytes.subarray(i, Math.min(end, i + size));
    },
  };
}
