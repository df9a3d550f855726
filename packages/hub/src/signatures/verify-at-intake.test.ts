// XML signatures at intake against a real hub (temp data dir, demo directory, development CA) with
// real signatures: every row submits a package and asserts the verdict or the refusal message.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { issueAgencyCert, revoke, signPackage, writeCrl } from '@lienthong/trust';
import { HubError, type SignaturePolicy, type SignatureVerdict } from '../core/contract.js';
import type { DemoCredentials } from '../core/hub.js';
import {
  as,
  body,
  collectStream,
  documentPackage,
  readFixture,
  startTestHub,
  type TestHub,
} from '../core/hub-test-support.js';
import { DEMO_TENANT } from '../directory/demo-directory.js';

const SENDER = '000.00.00.H41';
const OTHER = '000.00.00.G22';
const UNIT = '000.00.32.H53';
const FINANCE = '000.00.11.H53';

interface Signer {
  key: string;
  certificate: string;
}

let t: TestHub;
let demo: DemoCredentials;
const refusals: string[] = [];

function demoSigner(code: string): Signer {
  const c = demo.all.find((x) => x.systemId === code) ?? demo.units?.find((u) => u.code === code);
  assert.ok(c?.certificate && c.key, `demo certificate of ${code}`);
  return { key: c.key, certificate: c.certificate };
}

async function sign(bytes: Buffer, signer: Signer, algorithm?: 'rsa-sha1'): Promise<Buffer> {
  const signed = await signPackage(
    async function* () {
      yield bytes;
    },
    {
      key: await readFile(signer.key, 'utf8'),
      certificate: await readFile(signer.certificate, 'utf8'),
      ...(algorithm ? { algorithm } : {}),
    },
  );
  return collectStream(signed.bytes());
}

async function signedPackage(from = SENDER, signer = demoSigner(from)): Promise<Buffer> {
  return sign(await documentPackage(from, [OTHER]), signer);
}

function submit(bytes: Buffer, principal = SENDER) {
  return t.hub.submit({ principal: as(principal), body: body(bytes, 4096), messageType: 'auto' });
}

async function verdictOf(bytes: Buffer, principal = SENDER): Promise<SignatureVerdict> {
  const r = await submit(bytes, principal);
  const timeline = await t.hub.timeline(as(principal), r.docId);
  assert.ok(timeline.signature, 'the timeline shows the signature verdict');
  return timeline.signature;
}

async function refused(bytes: Buffer, message: RegExp, principal = SENDER): Promise<HubError> {
  const before = await t.hub.stats();
  try {
    await submit(bytes, principal);
  } catch (err) {
    assert.ok(err instanceof HubError, String(err));
    assert.equal(err.code, 'bad-signature', err.message);
    assert.equal(err.status, 422);
    assert.match(err.message, message);
    assert.equal((await t.hub.stats()).documents, before.documents, 'nothing stored');
    return err;
  }
  assert.fail(`expected a bad-signature refusal matching ${message}`);
}

async function withPolicy(code: string, policy: SignaturePolicy | null, fn: () => Promise<void>): Promise<void> {
  await t.hub.setSignaturePolicy(code, policy);
  try {
    await fn();
  } finally {
    await t.hub.setSignaturePolicy(code, null);
  }
}

const replaceOnce = (bytes: Buffer, from: string | RegExp, to: string): Buffer => {
  const text = bytes.toString('utf8');
  const out = text.replace(from, to);
  assert.notEqual(out, text, `${from} found`);
  return Buffer.from(out, 'utf8');
};

describe('XML signatures at intake', () => {
  before(async () => {
    t = await startTestHub({ observer: { refused: (code) => refusals.push(code) } });
    demo = await t.hub.initDemo();
  });
  after(() => t.dispose());

  test('a package signed with the sender’s demo certificate is valid and its signer shown (report)', async () => {
    const v = await verdictOf(await signedPackage());
    assert.equal(v.status, 'valid', JSON.stringify(v.reasons));
    assert.equal(v.policy, 'report');
    assert.equal(v.weak, false);
    assert.equal(v.algorithm, 'ecdsa-sha256');
    assert.equal(v.signer?.agencyCode, SENDER);
    assert.match(v.signer?.subject ?? '', /UID=000\.00\.00\.H41/);
    assert.match(v.signer?.fingerprint256 ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  test('the same under require', async () => {
    await withPolicy(SENDER, 'require', async () => {
      const v = await verdictOf(await signedPackage());
      assert.equal(v.status, 'valid');
      assert.equal(v.policy, 'require');
    });
  });

  const tamperings: Array<[string, (b: Buffer) => Buffer]> = [
    // the base64 of "%PDF" starts with JVBE; K decodes to different bytes
    ['an attachment byte', (b) => replaceOnce(b, /(<edXML:ContentTransferEncoded[^>]*>)J/, '$1K')],
    ['a header field (Subject)', (b) => replaceOnce(b, /(<edXML:Subject>)Văn bản/, '$1Văn bàn')],
  ];
  for (const [what, tamper] of tamperings) {
    test(`altered after signing (${what}): refused under require, recorded invalid under report`, async () => {
      const altered = tamper(await signedPackage());
      await withPolicy(SENDER, 'require', async () => {
        await refused(altered, /^signature invalid: digest-mismatch — the package was altered/);
      });
      const r = await submit(altered);
      assert.ok(
        r.warnings.some((w) => /digest-mismatch/.test(w)),
        r.warnings.join('\n'),
      );
      const v = (await t.hub.timeline(as(SENDER), r.docId)).signature!;
      assert.equal(v.status, 'invalid');
      assert.deepEqual(
        v.reasons.filter((x) => x.severity === 'error').map((x) => x.code),
        ['digest-mismatch'],
      );
    });
  }

  test('a vendor fixture’s placeholder signature: invalid under report, refused under require, never a crash', async () => {
    const fixture = readFixture('edoc_new.edxml');
    await withPolicy(FINANCE, 'require', async () => {
      await refused(fixture, /^signature invalid: value-not-base64 — /, FINANCE);
    });
    const v = await verdictOf(fixture, FINANCE);
    assert.equal(v.status, 'invalid');
    assert.ok(v.reasons.some((r) => r.code === 'value-not-base64'));
  });

  test('an unsigned package is absent; refused under require', async () => {
    const unsigned = await documentPackage(SENDER, [OTHER]);
    const v = await verdictOf(unsigned);
    assert.equal(v.status, 'absent');
    await withPolicy(SENDER, 'require', async () => {
      await refused(await documentPackage(SENDER, [OTHER]), /^signature absent: signature-absent — /);
    });
  });

  const forgeries: Array<[string, (b: Buffer) => Buffer, string]> = [
    ['signature wrapping (Reference URI="#…")', (b) => replaceOnce(b, 'URI=""', 'URI="#body"'), 'reference-uri'],
    [
      'a second Signature',
      (b) => {
        const text = b.toString('utf8');
        const sig = /<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">[\s\S]*?<\/Signature>/.exec(text)![0];
        return Buffer.from(text.replace(sig, sig + sig), 'utf8');
      },
      'multiple-signatures',
    ],
    [
      'a comment inside DigestValue',
      (b) => replaceOnce(b, /(<DigestValue>.{4})/, '$1<!-- x -->'),
      'value-not-plain-text',
    ],
    [
      'an unknown SignatureMethod',
      (b) => replaceOnce(b, /SignatureMethod Algorithm="[^"]+"/, 'SignatureMethod Algorithm="urn:example:unknown"'),
      'unsupported-algorithm',
    ],
  ];
  for (const [what, forge, code] of forgeries) {
    test(`${what}: refused under require naming ${code}`, async () => {
      const forged = forge(await signedPackage());
      await withPolicy(SENDER, 'require', async () => {
        await refused(forged, new RegExp(`^signature invalid: (.*; )?${code} — `));
      });
    });
  }

  test('the certificate of another agency: signer-unexpected', async () => {
    const bytes = await signedPackage(SENDER, demoSigner(OTHER));
    await withPolicy(SENDER, 'require', async () => {
      await refused(
        bytes,
        /signer-unexpected — signed by ".*" \(agency 000\.00\.00\.G22\), not by agency 000\.00\.00\.H41/,
      );
    });
  });

  test('a revoked certificate is refused once the CRL is published and refreshed', async () => {
    const caDir = t.hub.pki.devCaDir!;
    const issued = await issueAgencyCert(caDir, { agencyCode: SENDER, name: 'UBND tỉnh Nghệ An', keyType: 'ec-p256' });
    const signer = signerFiles(issued.record.certificateFile, issued.record.keyFile);
    await withPolicy(SENDER, 'require', async () => {
      assert.equal((await verdictOf(await signedPackage(SENDER, signer))).status, 'valid');
      await revoke(caDir, issued.record.serialNumber, 'keyCompromise');
      await writeCrl(caDir);
      await t.hub.refreshCrls();
      await refused(await signedPackage(SENDER, signer), /^signature invalid: certificate-revoked — /);
    });
  });

  test('an expired certificate is refused', async () => {
    const caDir = t.hub.pki.devCaDir!;
    const issued = await issueAgencyCert(caDir, {
      agencyCode: SENDER,
      name: 'UBND tỉnh Nghệ An',
      keyType: 'ec-p256',
      now: new Date(Date.now() - 400 * 86_400_000),
      validityDays: 30,
    });
    const bytes = await signedPackage(SENDER, signerFiles(issued.record.certificateFile, issued.record.keyFile));
    await withPolicy(SENDER, 'require', async () => {
      await refused(bytes, /^signature invalid: certificate-expired — /);
    });
  });

  test('rsa-sha1 verifies but is flagged weak', async () => {
    const caDir = t.hub.pki.devCaDir!;
    const issued = await issueAgencyCert(caDir, { agencyCode: SENDER, name: 'UBND tỉnh Nghệ An', keyType: 'rsa-2048' });
    const signer = signerFiles(issued.record.certificateFile, issued.record.keyFile);
    const bytes = await sign(await documentPackage(SENDER, [OTHER]), signer, 'rsa-sha1');
    const r = await submit(bytes);
    const v = (await t.hub.timeline(as(SENDER), r.docId)).signature!;
    assert.equal(v.status, 'valid', JSON.stringify(v.reasons));
    assert.equal(v.weak, true);
    assert.equal(v.algorithm, 'rsa-sha1');
    assert.ok(v.reasons.some((x) => x.code === 'weak-algorithm'));
    assert.ok(r.warnings.some((w) => /weak/.test(w)));
  });

  test('a tenant’s unit: its own certificate, or its tenant’s, is accepted; another agency’s is not', async () => {
    await withPolicy(DEMO_TENANT, 'require', async () => {
      const own = await verdictOf(await signedPackage(UNIT, demoSigner(UNIT)), DEMO_TENANT);
      assert.equal(own.status, 'valid');
      assert.equal(own.signer?.agencyCode, UNIT);
      const byTenant = await verdictOf(await signedPackage(UNIT, demoSigner(DEMO_TENANT)), DEMO_TENANT);
      assert.equal(byTenant.status, 'valid', JSON.stringify(byTenant.reasons));
      assert.ok(byTenant.reasons.some((r) => r.code === 'tenant-signer'));
      await refused(await signedPackage(UNIT, demoSigner(OTHER)), /signer-unexpected/, DEMO_TENANT);
    });
  });

  test('an agency’s own policy overrides the hub default both ways', async () => {
    const config = (t.hub as unknown as { ctx: { config: { trust: { signaturePolicy: SignaturePolicy } } } }).ctx
      .config;
    config.trust.signaturePolicy = 'require';
    try {
      await refused(await documentPackage(SENDER, [OTHER]), /^signature absent/);
      await withPolicy(SENDER, 'off', async () => {
        const r = await submit(await documentPackage(SENDER, [OTHER]));
        assert.equal((await t.hub.timeline(as(SENDER), r.docId)).signature, undefined, 'off: not checked');
      });
      await withPolicy(SENDER, 'report', async () => {
        assert.equal((await verdictOf(await documentPackage(SENDER, [OTHER]))).status, 'absent');
      });
    } finally {
      config.trust.signaturePolicy = 'report';
    }
    await withPolicy(SENDER, 'require', async () => {
      await refused(await documentPackage(SENDER, [OTHER]), /^signature absent/);
    });
    const agency = await t.hub.setSignaturePolicy(SENDER, 'require');
    assert.equal(agency.signaturePolicy, 'require');
    assert.equal((await t.hub.setSignaturePolicy(SENDER, null)).signaturePolicy, undefined);
  });

  test('refusals go through the refusal path: audit entry with the reason, refused{reason="bad-signature"}', async () => {
    assert.ok(refusals.includes('bad-signature'));
    const store = (t.hub as unknown as { ctx: { store: import('../store/store.js').Store } }).ctx.store;
    const audit = await store.listAudit(0, 10_000);
    const entry = audit.find(
      (a) => a.outcome === 'refused' && /^signature invalid: digest-mismatch/.test(a.reason ?? ''),
    );
    assert.ok(entry, 'the refusal is audited with its reason');
    assert.match(entry.payload, /"code":"bad-signature"/);
  });

  test('signatureStats: per sender, documents and valid signatures', async () => {
    const stats = await t.hub.signatureStats();
    const row = stats.find((s) => s.sender === SENDER);
    assert.ok(row);
    assert.ok(row.documents >= row.valid + row.invalid + row.absent + row.unchecked);
    assert.ok(row.valid >= 4, JSON.stringify(row));
    assert.ok(row.weak >= 1);
    assert.ok(row.invalid >= 2);
    assert.ok(row.absent >= 1);
    assert.equal(row.unchecked, 1);
    assert.deepEqual(
      stats.map((s) => s.sender),
      [...stats.map((s) => s.sender)].sort(),
    );
  });

  test('demo: every demo agency has a key (0600) and a certificate chain naming its code', async () => {
    const { stat } = await import('node:fs/promises');
    assert.ok(demo.all.length > 100);
    for (const c of demo.all) {
      assert.ok(c.certificate && c.key, c.systemId);
      assert.equal((await stat(c.key)).mode & 0o777, 0o600);
    }
    assert.equal(demo.units?.length, 2);
    const pem = await readFile(demoSigner(SENDER).certificate, 'utf8');
    assert.equal(pem.match(/BEGIN CERTIFICATE/g)?.length, 2, 'certificate + intermediate');
    assert.equal(join(t.dataDir, 'demo-keys', `${SENDER}.pem`), demoSigner(SENDER).certificate);
    const again = await t.hub.initDemo();
    assert.deepEqual(again, demo, 'initDemo is idempotent');
  });
});

function signerFiles(certificateFile: string, keyFile: string): Signer {
  const caDir = t.hub.pki.devCaDir!;
  return { certificate: join(caDir, certificateFile), key: join(caDir, keyFile) };
}
