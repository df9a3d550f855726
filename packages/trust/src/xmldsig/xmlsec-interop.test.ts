// Interoperability with the reference implementation: xmlsec1 verifies what Lienthong signs,
// Lienthong verifies what xmlsec1 signs, and both refuse the same alterations.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type TestPki, testPki } from '../testing/dev-pki.js';
import { chunked } from '../testing/fixtures.js';
import { builtPackage, fixtureWithoutSignature, sourceOf } from '../testing/sample-packages.js';
import { signToBuffer } from '../testing/sign-to-buffer.js';
import { signatureTemplate, xmlsecSign, xmlsecVerifies } from '../testing/xmlsec.js';
import type { Verdict } from './verdict.js';
import { verifyPackage } from './verify-package.js';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';

let pki: TestPki;
const ours = new Map<string, Buffer>();

before(async () => {
  pki = await testPki();
  const built = await builtPackage(5000);
  const fixture = fixtureWithoutSignature('edoc_new.edxml');
  ours.set('built, RSA', await signToBuffer(sourceOf(built), pki.agencyRsa, pki.intermediate));
  ours.set('built, ECDSA', await signToBuffer(sourceOf(built), pki.agencyEc, pki.intermediate));
  ours.set('edoc_new, RSA', await signToBuffer(sourceOf(fixture), pki.agencyRsa, pki.intermediate));
  ours.set('edoc_new, ECDSA', await signToBuffer(sourceOf(fixture), pki.agencyEc, pki.intermediate));
});

function lienthong(bytes: Uint8Array): Promise<Verdict> {
  return verifyPackage(chunked(bytes, 8192), {
    trustAnchors: [pki.root.certificate],
    intermediates: [pki.intermediate.certificate],
  });
}

function xmlsec(bytes: Uint8Array): Promise<boolean> {
  return xmlsecVerifies(bytes, pki.files.root, pki.files.intermediate);
}

function withTemplate(pkg: Buffer, template: string): Buffer {
  return Buffer.from(pkg.toString('utf8').replace('</edXML:edXMLHeader>', `${template}</edXML:edXMLHeader>`), 'utf8');
}

/** edoc_new with what trips canonicalizers: CR LF line ends, comments, PIs, CDATA, references, attribute whitespace. */
function trickyPackage(): Buffer {
  let text = fixtureWithoutSignature('edoc_new.edxml').toString('utf8');
  text = text.replace('<edXML:MessageHeader>', '<edXML:MessageHeader>\n<!-- a comment --><?app some data?>');
  text = text.replace('<edXML:Subject>', '<edXML:Subject note="a\ttab &amp; &quot;q&quot; &#13;&#10;x" xml:lang="vi">');
  text = text.replace(
    'Báo cáo tài chính tỉnh</edXML:Subject>',
    'Báo cáo <![CDATA[<tài chính> & ]]> tỉnh &#xD; &gt; </edXML:Subject>',
  );
  text = text.replace('<edXML:OrganAdd/>', '<edXML:OrganAdd xmlns:x="urn:unused" x:a="1"/>');
  text = `${text.replace(/\n/g, '\r\n')}\r\n<?trailer after the root?>\r\n<!-- end -->`;
  return Buffer.from(text, 'utf8');
}

test('xmlsec1 verifies packages signed by Lienthong (RSA-SHA256 and ECDSA P-256, built and fixture-derived)', async () => {
  for (const [name, signed] of ours) {
    assert.equal(await xmlsec(signed), true, name);
    assert.equal((await lienthong(signed)).status, 'valid', name);
  }
});

test('Lienthong verifies packages signed by xmlsec1: rsa-sha256, and rsa-sha1 as weak', async () => {
  const key = pki.files.agencyRsaKey;
  const certs = [pki.files.agencyRsaCert, pki.files.intermediate];
  const base = fixtureWithoutSignature('edoc_new.edxml');
  const sha256 = await xmlsecSign(
    withTemplate(base, signatureTemplate({ signatureMethod: RSA_SHA256, digestMethod: SHA256 })),
    key,
    certs,
  );
  const v = await lienthong(sha256);
  assert.equal(v.status, 'valid', JSON.stringify(v.reasons));
  assert.equal(v.weak, false);
  assert.equal(v.signer?.agencyCode, '000.00.00.G22');

  const sha1 = await xmlsecSign(
    withTemplate(base, signatureTemplate({ signatureMethod: RSA_SHA1, digestMethod: SHA1 })),
    key,
    certs,
  );
  const weak = await lienthong(sha1);
  assert.equal(weak.status, 'valid', JSON.stringify(weak.reasons));
  assert.equal(weak.weak, true);
  assert.equal(weak.algorithm, 'rsa-sha1');
  assert.ok(weak.reasons.some((r) => r.code === 'weak-algorithm'));
});

test('canonicalization agrees with xmlsec1 on a tricky package, exclusive and inclusive C14N', async () => {
  const tricky = trickyPackage();
  for (const c14n of ['exc-c14n', 'c14n'] as const) {
    const template = signatureTemplate({ signatureMethod: RSA_SHA256, digestMethod: SHA256, c14n });
    const signed = await xmlsecSign(withTemplate(tricky, template), pki.files.agencyRsaKey, [pki.files.agencyRsaCert]);
    const v = await lienthong(signed);
    assert.equal(v.status, 'valid', `${c14n}: ${JSON.stringify(v.reasons)}`);
    assert.equal(v.canonicalization, c14n);
  }
  const ourSigned = await signToBuffer(sourceOf(tricky), pki.agencyEc, pki.intermediate);
  assert.equal(await xmlsec(ourSigned), true);
});

test('alterations after signing fail in both: attachment byte, header field, second Signature, Signature moved with its whitespace', async () => {
  const signed = ours.get('edoc_new, RSA')!.toString('utf8');
  const signature = signed.match(/\s*<Signature xmlns[\s\S]*<\/Signature>/)![0];
  const b64 = signed.match(/<edXML:ContentTransferEncoded[^>]*>(.{40})/)![1]!;
  const flip = b64.slice(0, 20) + (b64[20] === 'Q' ? 'R' : 'Q') + b64.slice(21);
  const altered: Record<string, string> = {
    'attachment byte': signed.replace(b64, flip),
    'header field': signed.replace('<edXML:CodeNumber>2491<', '<edXML:CodeNumber>2492<'),
    'second Signature': signed.replace('</AttachmentEncoded>', `</AttachmentEncoded>${signature.trim()}`),
    'moved Signature': signed.replace(signature, '').replace('</edXML:edXMLBody>', `${signature}</edXML:edXMLBody>`),
  };
  for (const [name, text] of Object.entries(altered)) {
    assert.notEqual(text, signed, name);
    const bytes = Buffer.from(text, 'utf8');
    assert.equal(await xmlsec(bytes), false, `xmlsec1 accepted: ${name}`);
    assert.equal((await lienthong(bytes)).status, 'invalid', `Lienthong accepted: ${name}`);
  }
});

test('a byte-exact move of the Signature keeps the digest: xmlsec1 accepts it, Lienthong refuses it by placement', async () => {
  const signed = ours.get('built, RSA')!.toString('utf8');
  const signature = signed.match(/<Signature xmlns[\s\S]*<\/Signature>/)![0];
  const moved = Buffer.from(
    signed.replace(signature, '').replace('</AttachmentEncoded>', `</AttachmentEncoded>${signature}`),
    'utf8',
  );
  assert.equal(await xmlsec(moved), true);
  const v = await lienthong(moved);
  assert.equal(v.status, 'invalid');
  assert.deepEqual(
    v.reasons.filter((r) => r.severity === 'error').map((r) => r.code),
    ['signature-misplaced'],
  );
});
