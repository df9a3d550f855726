import assert from 'node:assert/strict';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { initCa, issueAgencyCert, verifyPackage } from '@lienthong/trust';
import { buildSimpleDocument, collect } from '../index.js';
import { signFile, withSigned } from './sign-file.js';

let dir: string;
let credentials: { key: string; certificate: string };
let anchors: string[];
let unsigned: Buffer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-sign-file-'));
  const ca = join(dir, 'ca');
  await initCa(ca, { keyType: 'ec-p256' });
  const issued = await issueAgencyCert(ca, {
    agencyCode: '000.00.00.H41',
    name: 'UBND tỉnh Nghệ An',
    keyType: 'ec-p256',
  });
  credentials = { key: join(ca, issued.record.keyFile), certificate: join(ca, issued.record.certificateFile) };
  anchors = [await readFile(join(ca, 'root.pem'), 'utf8'), await readFile(join(ca, 'intermediate.pem'), 'utf8')];
  unsigned = await collect(
    buildSimpleDocument({
      from: '000.00.00.H41',
      to: ['000.00.00.G22'],
      codeNumber: '1',
      codeNotation: 'KS',
      subject: 'Ký',
    }),
  );
});
after(() => rm(dir, { recursive: true, force: true }));

const verify = (path: string) =>
  verifyPackage(createReadStream(path), {
    trustAnchors: anchors.slice(0, 1),
    intermediates: anchors.slice(1),
    expectedSigner: { agencyCode: '000.00.00.H41' },
  });

for (const [kind, source] of [
  ['bytes', () => unsigned],
  ['a stream', () => Readable.from([unsigned])],
] as const) {
  test(`signFile signs ${kind} into a temporary file that cleanup removes`, async () => {
    const signed = await signFile(source(), credentials);
    assert.equal((await verify(signed.path)).status, 'valid');
    await signed.cleanup();
    assert.equal(existsSync(dirname(signed.path)), false);
  });
}

test('signFile with PEM text and an output path; withSigned removes its copy even when the send fails', async () => {
  const output = join(dir, 'out.edxml');
  const pem = {
    key: await readFile(credentials.key, 'utf8'),
    certificate: await readFile(credentials.certificate, 'utf8'),
  };
  const signed = await signFile(unsigned, pem, { output });
  assert.equal(signed.path, output);
  assert.equal((await verify(output)).status, 'valid');
  let seen = '';
  await assert.rejects(
    withSigned(unsigned, credentials, async (path) => {
      seen = path as string;
      throw new Error('send failed');
    }),
    /send failed/,
  );
  assert.ok(seen.endsWith('signed.edxml'));
  assert.equal(existsSync(seen), false);
});

test('a certificate file carrying the intermediate after the signer puts both in KeyInfo', async () => {
  const bundle = join(dir, 'signer-and-intermediate.pem');
  await writeFile(bundle, `${await readFile(credentials.certificate, 'utf8')}\n${anchors[1]}`);
  const signed = await signFile(unsigned, { key: credentials.key, certificate: bundle });
  const xml = await readFile(signed.path, 'utf8');
  assert.equal(xml.match(/<X509Certificate>/g)?.length, 2);
  // the root alone verifies it: the intermediate travelled in the signature
  const verdict = await verifyPackage(createReadStream(signed.path), {
    trustAnchors: anchors.slice(0, 1),
    expectedSigner: { agencyCode: '000.00.00.H41' },
  });
  assert.equal(verdict.status, 'valid');
  await signed.cleanup();
});
