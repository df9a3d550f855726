import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { EdxmlError, parseEdxml } from '@lienthong/edxml';
import { createCrl, issueAgencyCertificate } from '../pki/issue-certificate.js';
import { type TestPki, testPki } from '../testing/dev-pki.js';
import { chunked, FIXTURES, readFixture } from '../testing/fixtures.js';
import { builtPackage, fixtureWithoutSignature, sourceOf } from '../testing/sample-packages.js';
import { signToBuffer } from '../testing/sign-to-buffer.js';
import { crlToPem, toCrls } from '../x509/certificate-input.js';
import type { ReasonCode } from './reasons.js';
import type { Verdict } from './verdict.js';
import { PackageSignatureVerifier, type VerifyOptions, verifyPackage } from './verify-package.js';

let pki: TestPki;
let signedRsa: Buffer;
let signedEc: Buffer;

before(async () => {
  pki = await testPki();
  signedRsa = await signToBuffer(sourceOf(await builtPackage(5000)), pki.agencyRsa, pki.intermediate);
  signedEc = await signToBuffer(sourceOf(fixtureWithoutSignature('edoc_new.edxml')), pki.agencyEc, pki.intermediate);
});

function options(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return { trustAnchors: [pki.root.certificate], ...extra };
}

/**
 * verifyPackage's verdict; and, whenever the edXML parser accepts the bytes, the same verification
 * fed by the parser's own tokenizer (its `tap`, as the hub's intake does) must reach the same verdict.
 */
async function verify(bytes: Buffer | string, extra: Partial<VerifyOptions> = {}, chunk = 4096): Promise<Verdict> {
  const verdict = await verifyPackage(chunked(bytes, chunk), options(extra));
  const verifier = new PackageSignatureVerifier();
  const parsed = await parseEdxml(chunked(bytes, chunk), { tap: (e) => verifier.push(e) }).catch((e: unknown) => {
    if (e instanceof EdxmlError) return undefined;
    throw e;
  });
  if (parsed) assert.deepEqual(await verifier.verdict(options(extra)), verdict, 'the parser-fed verifier agrees');
  return verdict;
}

function codes(v: Verdict, severity = 'error'): ReasonCode[] {
  return v.reasons.filter((r) => r.severity === severity).map((r) => r.code);
}

function edit(bytes: Buffer, from: string | RegExp, to: string): Buffer {
  const text = bytes.toString('utf8');
  const out = text.replace(from, to);
  assert.notEqual(out, text, `edit did not apply: ${from}`);
  return Buffer.from(out, 'utf8');
}

test('a package signed by Lienthong verifies (RSA and ECDSA), whatever the chunking', async () => {
  for (const [signed, algorithm, agencyCode] of [
    [signedRsa, 'rsa-sha256', '000.00.00.G22'],
    [signedEc, 'ecdsa-sha256', '000.00.00.H41'],
  ] as const) {
    for (const size of [1, 7, 4096, 1 << 20]) {
      const v = await verify(signed, {}, size);
      assert.equal(v.status, 'valid', JSON.stringify(v.reasons));
      assert.equal(v.algorithm, algorithm);
      assert.equal(v.digestAlgorithm, 'sha256');
      assert.equal(v.weak, false);
      assert.equal(v.signer?.agencyCode, agencyCode);
      assert.equal(v.chain?.length, 3);
      assert.deepEqual(codes(v, 'note'), ['revocation-not-checked']);
    }
  }
});

test('the expected signer is checked by agency code or predicate', async () => {
  assert.equal((await verify(signedRsa, { expectedSigner: { agencyCode: '000.00.00.G22' } })).status, 'valid');
  const wrong = await verify(signedRsa, { expectedSigner: { agencyCode: '000.00.00.H41' } });
  assert.deepEqual(codes(wrong), ['signer-unexpected']);
  assert.match(
    wrong.reasons.find((r) => r.code === 'signer-unexpected')!.message,
    /000\.00\.00\.G22.*000\.00\.00\.H41/,
  );
  assert.equal((await verify(signedRsa, { expectedSigner: (s) => s.subject.includes('Chính phủ') })).status, 'valid');
});

test('altered packages are invalid: attachment byte, header field, whitespace', async () => {
  const attachment = signedRsa.toString().match(/<edXML:ContentTransferEncoded[^>]*>([A-Za-z0-9+/]{20})/)![1]!;
  const flipped = attachment.slice(0, 10) + (attachment[10] === 'A' ? 'B' : 'A') + attachment.slice(11);
  for (const altered of [
    edit(signedRsa, attachment, flipped),
    edit(signedRsa, '<edXML:CodeNumber>12<', '<edXML:CodeNumber>13<'),
    edit(signedRsa, '</edXML:edXMLBody>', ' </edXML:edXMLBody>'),
  ]) {
    const v = await verify(altered);
    assert.equal(v.status, 'invalid');
    assert.deepEqual(codes(v), ['digest-mismatch']);
  }
});

test('a changed SignedInfo or SignatureValue fails the signature check', async () => {
  const v = await verify(edit(signedRsa, '<Reference URI="">', '<Reference URI="" Id="r1">'));
  assert.deepEqual(codes(v), ['signature-mismatch']);
  const sig = signedEc.toString().match(/<SignatureValue>([^<]+)</)![1]!;
  const other = Buffer.from(sig, 'base64');
  other[5] = other[5]! ^ 1;
  assert.deepEqual(codes(await verify(edit(signedEc, sig, other.toString('base64')))), ['signature-mismatch']);
});

test('a second Signature, a moved Signature and a Signature in a wrapper are refused', async () => {
  const signature = signedRsa.toString().match(/<Signature xmlns[\s\S]*<\/Signature>/)![0];
  const second = edit(signedRsa, '</AttachmentEncoded>', `</AttachmentEncoded>${signature}`);
  assert.ok(codes(await verify(second)).includes('multiple-signatures'));
  const moved = edit(edit(signedRsa, signature, ''), '</AttachmentEncoded>', `</AttachmentEncoded>${signature}`);
  const v = await verify(moved);
  assert.equal(v.status, 'invalid');
  assert.deepEqual(codes(v), ['signature-misplaced']);
  const wrapped = edit(signedRsa, signature, `<Wrapper>${signature}</Wrapper>`);
  assert.ok(codes(await verify(wrapped)).includes('signature-misplaced'));
});

test('signature wrapping: a Reference to an Id, or any URI but "", is refused', async () => {
  for (const uri of ['#doc', '#xpointer(/)', 'http://example.org/x']) {
    const v = await verify(edit(signedRsa, '<Reference URI="">', `<Reference URI="${uri}">`));
    assert.deepEqual(codes(v), ['reference-uri'], uri);
  }
  const noUri = await verify(edit(signedRsa, '<Reference URI="">', '<Reference>'));
  assert.deepEqual(codes(noUri), ['reference-uri']);
  const two = signedRsa.toString().match(/<Reference URI="">[\s\S]*<\/Reference>/)![0];
  assert.deepEqual(codes(await verify(edit(signedRsa, two, two + two))), ['reference-count']);
});

test('comments, references and CDATA inside DigestValue or SignatureValue are refused, not skipped', async () => {
  const digest = signedRsa.toString().match(/<DigestValue>([^<]+)</)![1]!;
  const half = digest.length >> 1;
  for (const trick of [
    `${digest.slice(0, half)}<!-- x -->${digest.slice(half)}`,
    `${digest.slice(0, half)}<?x?>${digest.slice(half)}`,
    `&#${digest.charCodeAt(0)};${digest.slice(1)}`,
    `<![CDATA[${digest}]]>`,
  ]) {
    const v = await verify(edit(signedRsa, `<DigestValue>${digest}<`, `<DigestValue>${trick}<`));
    assert.deepEqual(codes(v), ['value-not-plain-text'], trick);
  }
  const sig = signedRsa.toString().match(/<SignatureValue>([^<]+)</)![1]!;
  const commented = await verify(edit(signedRsa, `<SignatureValue>${sig}`, `<SignatureValue><!---->${sig}`));
  assert.deepEqual(codes(commented), ['value-not-plain-text']);
  // plain line breaks and spaces in base64 are fine
  const wrapped = sig.replace(/(.{64})/g, '$1\n');
  assert.equal((await verify(edit(signedRsa, sig, wrapped))).status, 'valid');
  assert.deepEqual(codes(await verify(edit(signedRsa, sig, `${sig}=`))), ['value-not-base64']);
});

test('unknown algorithms and extra transforms are refused', async () => {
  const cases: [string, string, ReasonCode][] = [
    ['xmldsig-more#rsa-sha256', 'xmldsig-more#rsa-md5', 'unsupported-algorithm'],
    ['xmlenc#sha256"', 'xmlenc#ripemd160"', 'unsupported-algorithm'],
    [
      '<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>',
      '<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#WithComments"/>',
      'unsupported-algorithm',
    ],
    [
      '<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>',
      '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"/><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>',
      'transforms-not-allowed',
    ],
    [
      '</Transforms>',
      '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"/></Transforms>',
      'transforms-not-allowed',
    ],
    ['<KeyInfo>', '<Object>x</Object><KeyInfo>', 'signature-malformed'],
  ];
  for (const [from, to, code] of cases) {
    assert.deepEqual(codes(await verify(edit(signedRsa, from, to))), [code], to);
  }
});

test('certificates: untrusted chain, expiry, not yet valid, missing or unreadable certificate', async () => {
  const untrusted = await verify(signedRsa, { trustAnchors: [pki.hub.certificate] });
  assert.deepEqual(codes(untrusted), ['chain-untrusted']);
  const later = await verify(signedRsa, { now: new Date(Date.now() + 5 * 365 * 86400_000) });
  assert.ok(codes(later).includes('certificate-expired'));
  const earlier = await verify(signedRsa, { now: new Date(Date.now() - 86400_000) });
  assert.ok(codes(earlier).includes('certificate-not-yet-valid'));
  const noCerts = edit(signedRsa, /<X509Certificate>[^<]+<\/X509Certificate>\n/g, '');
  assert.deepEqual(codes(await verify(noCerts)), ['certificate-missing']);
  const garbage = edit(
    signedRsa,
    /<X509Certificate>[^<]+<\/X509Certificate>/,
    '<X509Certificate>AAAA</X509Certificate>',
  );
  assert.deepEqual(codes(await verify(garbage)), ['certificate-unreadable']);
  // a self-made certificate with the same name as the agency does not chain
  const impostorCa = await (await import('../pki/issue-certificate.js')).createRootCa({ keyType: 'ec-p256' });
  const impostor = await issueAgencyCertificate(impostorCa, {
    agencyCode: '000.00.00.G22',
    name: 'Văn phòng Chính phủ',
    keyType: 'ec-p256',
  });
  const forged = await signToBuffer(sourceOf(await builtPackage(100)), impostor, impostorCa);
  assert.deepEqual(codes(await verify(forged)), ['chain-untrusted']);
});

test('CRLs: revoked signer, CRL signature checked, stale CRL indeterminate (or a note)', async () => {
  const serial = pki.agencyRsa.certificate.serialNumber;
  const revoked = crlToPem(
    await createCrl(pki.intermediate, {
      crlNumber: 2,
      entries: [{ serialNumber: serial, revokedAt: new Date(Date.now() - 1000), reason: 1 }],
    }),
  );
  const clean = crlToPem(await createCrl(pki.intermediate, { crlNumber: 3 }));
  const rootCrl = crlToPem(await createCrl(pki.root, { crlNumber: 1 }));
  const v = await verify(signedRsa, { crls: [revoked, rootCrl] });
  assert.deepEqual(codes(v), ['certificate-revoked']);
  assert.match(v.reasons[0]!.message, /keyCompromise/);
  const ok = await verify(signedRsa, { crls: [clean, rootCrl] });
  assert.equal(ok.status, 'valid');
  assert.deepEqual(codes(ok, 'note'), []);
  const stale = crlToPem(
    await createCrl(pki.intermediate, {
      crlNumber: 4,
      thisUpdate: new Date(Date.now() - 10 * 86400_000),
      nextUpdate: new Date(Date.now() - 86400_000),
    }),
  );
  const staleVerdict = await verify(signedRsa, { crls: [stale, rootCrl] });
  assert.equal(staleVerdict.status, 'indeterminate');
  assert.deepEqual(codes(staleVerdict, 'indeterminate'), ['crl-stale']);
  assert.equal((await verify(signedRsa, { crls: [stale, rootCrl], staleCrl: 'note' })).status, 'valid');
  // a CRL "from" the intermediate but signed by another key
  const forgedCrl = crlToPem(
    await createCrl(
      { certificate: pki.intermediate.certificate, privateKey: pki.agencyEc.privateKey },
      { crlNumber: 9 },
    ),
  );
  const forged = await verify(signedRsa, { crls: [forgedCrl, rootCrl] });
  assert.deepEqual(codes(forged, 'indeterminate'), ['crl-signature-invalid']);
  // a CRL's verdict is worked out once per CRL object and issuer: the same parsed CRLs, given again, keep theirs
  const parsed = { forged: toCrls([forgedCrl])[0]!, clean: toCrls([clean])[0]!, root: toCrls([rootCrl])[0]! };
  for (let round = 0; round < 2; round++) {
    const again = await verify(signedRsa, { crls: [parsed.forged, parsed.root] });
    assert.deepEqual(codes(again, 'indeterminate'), ['crl-signature-invalid'], `forged, round ${round}`);
    assert.equal(
      (await verify(signedRsa, { crls: [parsed.clean, parsed.root] })).status,
      'valid',
      `clean, round ${round}`,
    );
  }
  const missing = await verify(signedRsa, { crls: [rootCrl], requireRevocationCheck: true });
  assert.deepEqual(codes(missing, 'indeterminate'), ['crl-missing']);
});

test('every fixture: placeholder signatures are invalid with reasons, the unsigned status package is absent', async () => {
  for (const name of FIXTURES) {
    const v = await verify(readFixture(name));
    if (name.startsWith('status')) {
      assert.equal(v.status, 'absent');
      continue;
    }
    assert.equal(v.status, 'invalid', name);
    assert.equal(v.weak, true);
    assert.equal(v.namespace, 'qcvn');
    assert.deepEqual(codes(v), ['value-not-base64', 'digest-mismatch'], JSON.stringify(v.reasons));
    assert.match(v.reasons.find((r) => r.code === 'value-not-base64')!.message, /X509Certificate.*MIIFqTCCBJG/);
    assert.deepEqual(codes(v, 'note'), ['qcvn-namespace', 'nonstandard-algorithm-uri', 'weak-algorithm']);
  }
});

test('malformed XML, an unsigned package and a truncated signed one', async () => {
  assert.deepEqual(codes(await verify('<edXML><a></edXML>')), ['xml-malformed']);
  assert.equal((await verify(await builtPackage(10))).status, 'absent');
  const truncated = await verify(signedRsa.subarray(0, signedRsa.length - 20));
  assert.equal(truncated.status, 'invalid');
  assert.deepEqual(codes(truncated), ['xml-malformed']);
  const dtd = await verify(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${signedRsa.toString()}`);
  assert.deepEqual(codes(dtd), ['xml-malformed']);
});
