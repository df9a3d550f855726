import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { collect } from '@lienthong/edxml';
import { type TestPki, testPki } from '../testing/dev-pki.js';
import { readFixture } from '../testing/fixtures.js';
import { builtPackage, fixtureWithoutSignature, sourceOf } from '../testing/sample-packages.js';
import { SigningError, signPackage, signPackageToFile } from './sign-package.js';
import { verifyPackage } from './verify-package.js';

let pki: TestPki;
before(async () => {
  pki = await testPki();
});

function signer(extra = {}) {
  return {
    key: pki.agencyRsa.privateKey,
    certificate: pki.agencyRsa.certificate,
    chain: [pki.intermediate.certificate],
    ...extra,
  };
}

async function rejects(promise: Promise<unknown>, code: SigningError['code']) {
  await assert.rejects(promise, (e: unknown) => e instanceof SigningError && e.code === code);
}

test('the Signature is the last child of edXMLHeader, in the XML-DSig namespace, with the certificate chain', async () => {
  const signed = await signPackage(sourceOf(await builtPackage(100)), signer());
  const text = (await collect(signed.bytes())).toString();
  assert.match(
    text,
    /<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">[\s\S]*<\/Signature><\/edXML:edXMLHeader>/,
  );
  assert.equal(text.match(/<X509Certificate>/g)?.length, 2);
  assert.match(
    text,
    /<X509SubjectName>CN=Văn phòng Chính phủ, UID=000\.00\.00\.G22, O=Văn phòng Chính phủ, C=VN<\/X509SubjectName>/,
  );
  assert.equal(signed.algorithm, 'rsa-sha256');
  assert.equal(signed.replaced, false);
});

test('an existing Signature is replaced in place, or refused on request', async () => {
  const fixture = readFixture('edoc_new.edxml');
  const signed = await signPackage(sourceOf(fixture), signer());
  assert.equal(signed.replaced, true);
  const bytes = await collect(signed.bytes());
  assert.equal((bytes.toString().match(/<Signature[ >]/g) ?? []).length, 1);
  assert.equal((await verifyPackage([bytes], { trustAnchors: [pki.root.certificate] })).status, 'valid');
  // the same canonical package as the fixture with just the placeholder element cut out
  const cut = Buffer.from(fixture.toString().replace(/<Signature>[\s\S]*<\/Signature>/, ''));
  const fresh = await signPackage(sourceOf(cut), signer());
  assert.equal(signed.digestValue, fresh.digestValue);
  await rejects(signPackage(sourceOf(fixture), signer({ existingSignature: 'refuse' })), 'signature-present');
  // and re-signing a package signed by Lienthong works the same way
  const again = await collect(
    (
      await signPackage(sourceOf(bytes), { key: pki.agencyEc.privateKey, certificate: pki.agencyEc.certificate })
    ).bytes(),
  );
  const v = await verifyPackage([again], {
    trustAnchors: [pki.root.certificate],
    intermediates: [pki.intermediate.certificate],
  });
  assert.equal(v.status, 'valid');
  assert.equal(v.signer?.agencyCode, '000.00.00.H41');
});

test('refused inputs: two Signatures, a misplaced one, no edXML header, a key that is not the certificate', async () => {
  const fixture = readFixture('edoc_new.edxml').toString();
  const signature = fixture.match(/<Signature>[\s\S]*<\/Signature>/)![0];
  await rejects(
    signPackage(
      sourceOf(Buffer.from(fixture.replace('</AttachmentEncoded>', `</AttachmentEncoded>${signature}`))),
      signer(),
    ),
    'multiple-signatures',
  );
  await rejects(
    signPackage(
      sourceOf(
        Buffer.from(fixture.replace(signature, '').replace('</AttachmentEncoded>', `</AttachmentEncoded>${signature}`)),
      ),
      signer(),
    ),
    'signature-misplaced',
  );
  await rejects(signPackage(sourceOf(Buffer.from('<a><b/></a>')), signer()), 'not-edxml');
  await rejects(signPackage(sourceOf(Buffer.from('<a/>')), signer({ key: pki.agencyEc.privateKey })), 'key-mismatch');
  await rejects(signPackage(sourceOf(Buffer.from('<a/>')), signer({ algorithm: 'ecdsa-sha256' })), 'key-mismatch');
});

test('a source that changes between the passes makes the output fail', async () => {
  let calls = 0;
  const pkg = await builtPackage(100);
  const changing = async function* () {
    calls++;
    yield calls === 1 ? pkg : Buffer.from(pkg.toString().replace('VPCP-TTĐT<', 'VPCP-TTDT<'));
  };
  const signed = await signPackage(changing, signer());
  await rejects(collect(signed.bytes()), 'source-changed');
});

test('signPackageToFile signs a file in place, through a temporary file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-sign-'));
  const path = join(dir, 'package.edxml');
  writeFileSync(path, fixtureWithoutSignature('edoc_update.edxml'));
  await signPackageToFile(path, path, signer({ key: pki.agencyEc.privateKey, certificate: pki.agencyEc.certificate }));
  const v = await verifyPackage([readFileSync(path)], { trustAnchors: [pki.root.certificate] });
  assert.equal(v.status, 'valid', JSON.stringify(v.reasons));
  assert.equal(v.algorithm, 'ecdsa-sha256');
});
