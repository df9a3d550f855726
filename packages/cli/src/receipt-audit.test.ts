// Receipts and the audit chain through the built `lienthong` executable: send keeps the receipt,
// `receipt verify` checks it offline against the development CA's root, `audit verify` names tampering.
import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { AGENCIES, cliHarness, RECIPIENT, SENDER } from './test-support/cli-harness.js';

let serial = 0;
let hubDir: string;
let root: string;

const cli = cliHarness('lienthong-cli-receipt-', async (cli) => {
  hubDir = join(cli.dir, 'hub');
  root = join(hubDir, 'pki', 'ca', 'root.pem');
  await cli.addAgencies(hubDir, AGENCIES);
  await cli.serve(hubDir);
});
const { lienthong, as, vxp } = cli;

function packageFile(name: string, subject: string): Promise<string> {
  return cli.writePackage(name, { codeNumber: String(++serial), codeNotation: 'TEST', subject });
}

test('send keeps the receipt; receipt verify checks it offline, with the package; tampering and a wrong package fail', async () => {
  const pkg = await packageFile('a.edxml', 'Biên nhận');
  const sent = await lienthong(['send', pkg, '--receipt-out', 'a.receipt', '--json'], as(SENDER));
  assert.equal(sent.code, 0, sent.stderr);
  const { docId, receipt, receiptFile } = JSON.parse(sent.stdout);
  assert.equal(receiptFile, 'a.receipt');
  assert.equal((await readFile(join(cli.dir, 'a.receipt'), 'utf8')).trim(), receipt);

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
  await writeFile(join(cli.dir, 'forged.receipt'), `${h}.${forged}.${s}\n`);
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
  assert.equal((await readFile(join(cli.dir, 'got.receipt'), 'utf8')).trim(), receipt);
  const again = await lienthong(['send', pkg, '--json', '--receipt-out', 'again.receipt'], as(SENDER));
  assert.equal(JSON.parse(again.stdout).receipt, receipt);
  assert.equal((await readFile(join(cli.dir, 'again.receipt'), 'utf8')).trim(), receipt);
});

test('send over VXP keeps the receipt of the X-Lienthong-Receipt header', async () => {
  const pkg = await packageFile('c.edxml', 'Qua VXP');
  const sent = await lienthong(['send', pkg, '--receipt-out', 'c.receipt', '--json'], vxp(SENDER));
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

  const copy = join(cli.dir, 'tampered');
  await cp(hubDir, copy, { recursive: true });
  const db = new SQLite(join(copy, 'hub.sqlite'));
  db.exec('DROP TRIGGER audit_log_no_update');
  db.prepare('UPDATE audit_log SET payload = replace(payload, \'"size":\', \'"size":1\') WHERE id = ?').run(accept);
  db.close();
  const broken = await lienthong(['audit', 'verify', '--data-dir', copy]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, new RegExp(`broken at entry ${accept} \\(edited\\)`));
});
