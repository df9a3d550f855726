// Receipts and the audit chain through the built `lienthong` executable: send keeps the receipt,
// `receipt verify` checks it offline against the development CA's root, `audit verify` names tampering.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSimpleDocument, collect } from '@lienthong/client';
import SQLite from 'better-sqlite3';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const SENDER = '000.00.00.H41';
const RECIPIENT = '000.00.00.G22';
let serial = 0;

let dir: string;
let hubDir: string;
let root: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess | undefined;
let url: string;
const creds: Record<string, { systemId: string; vxpSecret: string; apiKey: string }> = {};

function lienthong(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...env, ...extraEnv }, cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
const as = (code: string): NodeJS.ProcessEnv => ({ LIENTHONG_URL: url, LIENTHONG_API_KEY: creds[code]!.apiKey });

async function packageFile(name: string, subject: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(
    file,
    await collect(
      buildSimpleDocument({
        from: SENDER,
        to: [RECIPIENT],
        codeNumber: String(++serial),
        codeNotation: 'TEST',
        subject,
      }),
    ),
  );
  return file;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-cli-receipt-'));
  hubDir = join(dir, 'hub');
  root = join(hubDir, 'pki', 'ca', 'root.pem');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LIENTHONG_')));
  env = { ...clean, LIENTHONG_LOG_LEVEL: 'silent' };
  for (const [code, name] of [
    [SENDER, 'UBND tỉnh Nghệ An'],
    [RECIPIENT, 'Văn phòng Chính phủ'],
  ] as const) {
    const r = await lienthong(['agency', 'add', code, '--name', name, '--data-dir', hubDir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    creds[code] = JSON.parse(r.stdout).credentials;
  }
  server = spawn(process.execPath, [MAIN, 'serve', '--data-dir', hubDir, '--port', '0', '--json'], {
    env,
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
});

after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

test('send keeps the receipt; receipt verify checks it offline, with the package; tampering and a wrong package fail', async () => {
  const pkg = await packageFile('a.edxml', 'Biên nhận');
  const sent = await lienthong(['send', pkg, '--receipt-out', 'a.receipt', '--json'], as(SENDER));
  assert.equal(sent.code, 0, sent.stderr);
  const { docId, receipt, receiptFile } = JSON.parse(sent.stdout);
  assert.equal(receiptFile, 'a.receipt');
  assert.equal((await readFile(join(dir, 'a.receipt'), 'utf8')).trim(), receipt);

  const ok = await lienthong(['receipt', 'verify', 'a.receipt', '--anchors', root, '--package', pkg, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  const v = JSON.parse(ok.stdout);
  assert.equal(v.valid, true);
  assert.equal(v.fields.docId, docId);
  assert.equal(v.packageMatches, true);
  const human = await lienthong(['receipt', 'verify', 'a.receipt', '--anchors', root]);
  assert.match(human.stdout, /valid receipt[\s\S]*docId: +[0-9a-f]{24}/);

  // the payload edited (another recipient), the signature kept
  const [h, p, s] = receipt.split('.');
  const forged = Buffer.from(Buffer.from(p, 'base64url').toString().replace(RECIPIENT, '000.00.00.G01')).toString(
    'base64url',
  );
  await writeFile(join(dir, 'forged.receipt'), `${h}.${forged}.${s}\n`);
  const bad = await lienthong(['receipt', 'verify', 'forged.receipt', '--anchors', root]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not a valid receipt — signature-mismatch/);

  const other = await packageFile('b.edxml', 'Một văn bản khác');
  const wrong = await lienthong(['receipt', 'verify', 'a.receipt', '--anchors', root, '--package', other, '--json']);
  assert.equal(wrong.code, 1);
  assert.equal(JSON.parse(wrong.stdout).error.code, 'sha256-mismatch');

  // not the hub's root: an untrusted chain
  const elsewhere = await lienthong(['receipt', 'verify', 'a.receipt', '--anchors', pkg]);
  assert.equal(elsewhere.code, 1);

  // receipt get gives the same receipt; a duplicate send keeps the original
  const got = await lienthong(['receipt', 'get', docId, '-o', 'got.receipt'], as(SENDER));
  assert.equal(got.code, 0, got.stderr);
  assert.equal((await readFile(join(dir, 'got.receipt'), 'utf8')).trim(), receipt);
  const again = await lienthong(['send', pkg, '--json', '--receipt-out', 'again.receipt'], as(SENDER));
  assert.equal(JSON.parse(again.stdout).receipt, receipt);
  assert.equal((await readFile(join(dir, 'again.receipt'), 'utf8')).trim(), receipt);
});

test('send over VXP keeps the receipt of the X-Lienthong-Receipt header', async () => {
  const pkg = await packageFile('c.edxml', 'Qua VXP');
  const vxp = { LIENTHONG_URL: url, LIENTHONG_SYSTEM_ID: SENDER, LIENTHONG_SECRET: creds[SENDER]!.vxpSecret };
  const sent = await lienthong(['send', pkg, '--receipt-out', 'c.receipt', '--json'], vxp);
  assert.equal(sent.code, 0, sent.stderr);
  assert.equal(JSON.parse(sent.stdout).receiptFile, 'c.receipt');
  const ok = await lienthong(['receipt', 'verify', 'c.receipt', '--anchors', root, '--package', pkg]);
  assert.equal(ok.code, 0, ok.stderr);
});

test('audit list and audit verify; an edited entry in a copy of the data directory is named, exit 1', async () => {
  const list = await lienthong(['audit', 'list', '--data-dir', hubDir, '--json']);
  assert.equal(list.code, 0, list.stderr);
  const items = JSON.parse(list.stdout).items as Array<{ id: number; action: string }>;
  assert.deepEqual(
    items.slice(0, 2).map((e) => e.action),
    ['agency-add', 'agency-add'],
  );
  const accept = items.find((e) => e.action === 'accept')!.id;

  const checkpoint = await lienthong(['audit', 'checkpoint', '--data-dir', hubDir, '--json']);
  assert.equal(checkpoint.code, 0, checkpoint.stderr);
  const verified = await lienthong(['audit', 'verify', '--data-dir', hubDir, '--anchors', root, '--json']);
  assert.equal(verified.code, 0, verified.stderr);
  assert.equal(JSON.parse(verified.stdout).valid, true);

  const copy = join(dir, 'tampered');
  await cp(hubDir, copy, { recursive: true });
  const db = new SQLite(join(copy, 'hub.sqlite'));
  db.exec('DROP TRIGGER audit_log_no_update');
  db.prepare('UPDATE audit_log SET payload = replace(payload, \'"size":\', \'"size":1\') WHERE id = ?').run(accept);
  db.close();
  const broken = await lienthong(['audit', 'verify', '--data-dir', copy]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, new RegExp(`broken at entry ${accept} \\(edited\\)`));
});
