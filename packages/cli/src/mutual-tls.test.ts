// `lienthong serve --tls-dev` with mutual TLS, and the client commands authenticated by a certificate alone.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliHarness, RECIPIENT, SENDER } from './test-support/cli-harness.js';

// issues the test's certificates; loaded by name, the command line needs no part of it
const CERT_FILES = '@lienthong/trust/testing/agency-cert-files';

let root: string;
const certs: Record<string, { cert: string; key: string }> = {};

const cli = cliHarness('lienthong-cli-mtls-', async (cli) => {
  const dataDir = join(cli.dir, 'hub');
  await cli.addAgencies(
    dataDir,
    [SENDER, RECIPIENT].map((code) => [code, code] as const),
  );
  await cli.serve(dataDir, { flags: ['--tls-dev'], env: { LIENTHONG_TLS_CLIENT_CERT: 'true' } });
  const { writeAgencyCertFiles } = await import(CERT_FILES);
  const caDir = join(dataDir, 'pki', 'ca');
  root = join(caDir, 'root.pem');
  for (const code of [SENDER, RECIPIENT]) certs[code] = await writeAgencyCertFiles(caDir, code, cli.dir);
});
const { lienthong } = cli;

/** the environment of an agency that has only its certificate: no API key, no VXP secret */
function certified(code: string): NodeJS.ProcessEnv {
  return {
    LIENTHONG_URL: cli.url,
    LIENTHONG_CA: root,
    LIENTHONG_CLIENT_CERT: certs[code]!.cert,
    LIENTHONG_CLIENT_KEY: certs[code]!.key,
  };
}

test('send, inbox (/v1 and VXP), fetch and ack with a client certificate and no API key or secret', async () => {
  assert.match(cli.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const file = await cli.writePackage('cong-van.edxml', {
    codeNumber: '7',
    codeNotation: 'UBND-TLS',
    subject: 'Về việc liên thông qua TLS hai chiều',
  });
  // flags on the command line, the recipient's identity from the environment
  const sent = await lienthong([
    'send',
    file,
    '--url',
    cli.url,
    '--ca',
    root,
    '--cert',
    certs[SENDER]!.cert,
    '--key',
    certs[SENDER]!.key,
    '--json',
  ]);
  assert.equal(sent.code, 0, sent.stderr + sent.stdout);
  const docId: string = JSON.parse(sent.stdout).docId;

  const inbox = await lienthong(['inbox', '--json'], certified(RECIPIENT));
  assert.equal(inbox.code, 0, inbox.stderr);
  assert.deepEqual(
    JSON.parse(inbox.stdout).items.map((i: { docId: string }) => i.docId),
    [docId],
  );
  const vxpInbox = await lienthong(['inbox', '--via', 'vxp', '--json'], certified(RECIPIENT));
  assert.equal(vxpInbox.code, 0, vxpInbox.stderr);
  assert.ok(JSON.parse(vxpInbox.stdout).items.some((i: { docId: string }) => i.docId === docId));

  const out = join(cli.dir, 'received.edxml');
  const fetched = await lienthong(['fetch', docId, '-o', out, '--json'], certified(RECIPIENT));
  assert.equal(fetched.code, 0, fetched.stderr);
  const acked = await lienthong(['ack', docId, '--json'], certified(RECIPIENT));
  assert.equal(acked.code, 0, acked.stderr);
  assert.deepEqual(JSON.parse((await lienthong(['inbox', '--json'], certified(RECIPIENT))).stdout).items, []);
});

test('usage and connection errors: a certificate without its key, a hub certificate not trusted', async () => {
  const halfway = await lienthong(['inbox', '--url', cli.url, '--ca', root, '--cert', certs[SENDER]!.cert]);
  assert.equal(halfway.code, 2);
  assert.match(halfway.stderr, /--cert needs --key/);
  const missing = await lienthong(['inbox'], { ...certified(SENDER), LIENTHONG_CA: join(cli.dir, 'nope.pem') });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.pem: no such file/);
  const untrusted = await lienthong(['inbox'], { ...certified(SENDER), LIENTHONG_CA: '' });
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stderr, /certificate|CERT/i);
});
