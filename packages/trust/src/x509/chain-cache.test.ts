import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCrl } from '../pki/issue-certificate.js';
import { testPki } from '../testing/dev-pki.js';
import { chunked } from '../testing/fixtures.js';
import { builtPackage, sourceOf } from '../testing/sample-packages.js';
import { signToBuffer } from '../testing/sign-to-buffer.js';
import { verifyPackage } from '../xmldsig/verify-package.js';
import { ChainCache } from './chain-cache.js';

test('chain verdicts are reused per CRL generation and only at times where they still hold', async () => {
  const pki = await testPki();
  const signed = await signToBuffer(sourceOf(await builtPackage(500)), pki.agencyRsa, pki.intermediate);
  const rootCrl = [await createCrl(pki.root, { crlNumber: 1 })];
  const clean = [await createCrl(pki.intermediate, { crlNumber: 2 }), ...rootCrl];
  const chainCache = new ChainCache();
  const anchors = [pki.root.certificate];
  const verify = (crls: typeof clean, now = new Date()) =>
    verifyPackage(chunked(signed, 4096), { trustAnchors: anchors, crls, chainCache, now });

  assert.equal((await verify(clean)).status, 'valid');
  const again = await verify(clean);
  assert.equal(again.status, 'valid');
  assert.equal(again.chain?.length, 3);
  assert.deepEqual([chainCache.hits, chainCache.misses], [1, 1]);

  // a CRL refresh hands new CRL objects: a new generation, judged afresh
  const revoked = [
    await createCrl(pki.intermediate, {
      crlNumber: 3,
      entries: [
        { serialNumber: pki.agencyRsa.certificate.serialNumber, revokedAt: new Date(Date.now() - 1000), reason: 1 },
      ],
    }),
    ...rootCrl,
  ];
  const v = await verify(revoked);
  assert.equal(v.status, 'invalid');
  assert.ok(v.reasons.some((r) => r.code === 'certificate-revoked'));
  assert.equal(chainCache.misses, 2);

  // past the signer's expiry the cached verdict does not apply
  const later = new Date(new Date(pki.agencyRsa.certificate.validTo).getTime() + 1000);
  const expired = await verify(clean, later);
  assert.ok(expired.reasons.some((r) => r.code === 'certificate-expired'));
  assert.equal(chainCache.misses, 3);
});
