// `lienthong serve --tls-dev` with mutual TLS, and the client commands authenticated by a certificate alone.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSimpleDocument, collect } from '@lienthong/client';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const SENDER = '000.00.00.H41';
const RECIPIENT = '000.00.00.G22';
// issues the test's certificates; loaded by name, the command line needs no part of it
const TRUST = '@lienthong/trust';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess | undefined;
let url: string;
let root: string;
const certs: Record<string, { cert: string; key: string }> = {};

function lienthong(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...env, ...extraEnv }, cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** the environment of an agency that has only its certificate: no API key, no VXP secret */
function certified(code: string): NodeJS.ProcessEnv {
  return {
    LIENTHONG_URL: url,
    LIENTHONG_CA: root,
    LIENTHONG_CLIENT_CERT: certs[code]!.cert,
    LIENTHONG_CLIENT_KEY: certs[code]!.key,
  };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-cli-mtls-'));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LIENTHONG_')));
  env = { ...clean, LIENTHONG_LOG_LEVEL: 'silent' };
  const dataDir = join(dir, 'hub');
  for (const code of [SENDER, RECIPIENT]) {
    const r = await lienthong(['agency', 'add', code, '--name', code, '--data-dir', dataDir, '--json']);
    assert.equal(r.code, 0, r.stderr);
  }
  server = spawn(process.execPath, [MAIN, 'serve', '--tls-dev', '--data-dir', dataDir, '--port', '0', '--json'], {
    env: { ...env, LIENTHONG_TLS_CLIENT_CERT: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let text = '';
    server!.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      try {
        resolve((JSON.parse(text) as { url: string }).url);
      } catch {
        // not the whole JSON yet
      }
    });
    server!.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const trust = await import(TRUST);
  const caDir = join(dataDir, 'pki', 'ca');
  root = join(caDir, 'root.pem');
  for (const code of [SENDER, RECIPIENT]) {
    const issued = await trust.issueAgencyCert(caDir, { agencyCode: code, name: code, keyType: 'ec-p256' });
    certs[code] = { cert: join(dir, `${code}.pem`), key: join(dir, `${code}.key`) };
    await writeFile(certs[code].cert, issued.certificate.toString());
    await writeFile(certs[code].key, trust.privateKeyPem(issued.privateKey), { mode: 0o600 });
  }
});

after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

test('send, inbox (/v1 and VXP), fetch and ack with a client certificate and no API key or secret', async () => {
  assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const file = join(dir, 'cong-van.edxml');
  await writeFile(
    file,
    await collect(
      buildSimpleDocument({
        from: SENDER,
        to: [RECIPIENT],
        codeNumber: '7',
        codeNotation: 'UBND-TLS',
        subject: 'Về việc liên thông qua TLS hai chiều',
      }),
    ),
  );
  // flags on the command line, the recipient's identity from the environment
  const sent = await lienthong([
    'send',
    file,
    '--url',
    url,
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

  const out = join(dir, 'received.edxml');
  const fetched = await lienthong(['fetch', docId, '-o', out, '--json'], certified(RECIPIENT));
  assert.equal(fetched.code, 0, fetched.stderr);
  const acked = await lienthong(['ack', docId, '--json'], certified(RECIPIENT));
  assert.equal(acked.code, 0, acked.stderr);
  assert.deepEqual(JSON.parse((await lienthong(['inbox', '--json'], certified(RECIPIENT))).stdout).items, []);
});

test('usage and connection errors: a certificate without its key, a hub certificate not trusted', async () => {
  const halfway = await lienthong(['inbox', '--url', url, '--ca', root, '--cert', certs[SENDER]!.cert]);
  assert.equal(halfway.code, 2);
  assert.match(halfway.stderr, /--cert needs --key/);
  const missing = await lienthong(['inbox'], { ...certified(SENDER), LIENTHONG_CA: join(dir, 'nope.pem') });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.pem: no such file/);
  const untrusted = await lienthong(['inbox'], { ...certified(SENDER), LIENTHONG_CA: '' });
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stderr, /certificate|CERT/i);
});
