// The signing commands end to end: the built `lienthong` executable against a demo hub it serves
// itself (child processes), with the demo agencies' certificates, and openssl reading what `ca` writes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { type Credentials, cliHarness, RECIPIENT, SENDER } from './test-support/cli-harness.js';

const openssl = promisify(execFile);

interface DemoEntry extends Credentials {
  certificate: string;
  key: string;
}

let hubDir: string;
let demo: DemoEntry[];
let numbers = 0;

const cli = cliHarness('lienthong-cli-signing-', async (cli) => {
  hubDir = join(cli.dir, 'hub');
  demo = (await cli.serve<{ url: string; demo: { all: DemoEntry[] } }>(hubDir, { flags: ['--demo'] })).demo.all;
  for (const entry of demo) cli.creds[entry.systemId] = entry;
});
const { lienthong, as: asV1, vxp: asVxp } = cli;

const agency = (code: string): DemoEntry => demo.find((d) => d.systemId === code)!;

function packageFile(name: string, subject = 'Về việc ký số gói tin'): Promise<string> {
  numbers++;
  return cli.writePackage(name, { codeNumber: String(numbers), codeNotation: 'KS', subject });
}

test('send --sign (v1 and VXP) → timeline shows the valid signature and its signer', async () => {
  const { key, certificate } = agency(SENDER);
  const file = await packageFile('ky-so.edxml');
  const sent = await lienthong(['send', file, '--sign', key, '--cert', certificate, '--json'], asV1(SENDER));
  assert.equal(sent.code, 0, sent.stderr);
  const { docId } = JSON.parse(sent.stdout) as { docId: string };
  assert.equal(await readFile(file, 'utf8').then((t) => t.includes('<Signature')), false, 'the file is left unsigned');

  const timeline = await lienthong(['timeline', docId], asV1(SENDER));
  assert.equal(timeline.code, 0, timeline.stderr);
  assert.match(timeline.stdout, /signature valid, ecdsa-sha256, policy report/);
  assert.match(timeline.stdout, /signer .*UID=000\.00\.00\.H41/);
  const json = JSON.parse((await lienthong(['timeline', docId, '--json'], asV1(SENDER))).stdout);
  assert.equal(json.signature.status, 'valid');
  assert.equal(json.signature.signer.agencyCode, SENDER);

  const viaVxp = await lienthong(
    ['send', await packageFile('ky-so-vxp.edxml'), '--via', 'vxp', '--sign', key, '--cert', certificate, '--json'],
    asVxp(SENDER),
  );
  assert.equal(viaVxp.code, 0, viaVxp.stderr);
  const vxpDoc = JSON.parse(viaVxp.stdout).docId as string;
  const vxpTimeline = JSON.parse((await lienthong(['timeline', vxpDoc, '--json'], asV1(SENDER))).stdout);
  assert.equal(vxpTimeline.signature.status, 'valid');
});

test('agency policy require refuses an unsigned package (VXP too) until set back to default', async () => {
  const policy = await lienthong(['agency', 'policy', SENDER, 'require', '--data-dir', hubDir]);
  assert.equal(policy.code, 0, policy.stderr);
  assert.match(policy.stdout, /signature policy require/);
  const v1 = await lienthong(['send', await packageFile('chua-ky.edxml')], asV1(SENDER));
  assert.equal(v1.code, 1);
  assert.match(v1.stderr, /422 bad-signature\): signature absent: signature-absent — /);
  const vxp = await lienthong(['send', await packageFile('chua-ky-2.edxml'), '--via', 'vxp'], asVxp(SENDER));
  assert.equal(vxp.code, 1);
  assert.match(vxp.stderr, /ErrorCode 422\): signature absent: signature-absent — /);
  const signed = await lienthong(
    ['send', await packageFile('da-ky.edxml'), '--sign', agency(SENDER).key, '--cert', agency(SENDER).certificate],
    asV1(SENDER),
  );
  assert.equal(signed.code, 0, signed.stderr);
  const back = await lienthong(['agency', 'policy', SENDER, 'default', '--data-dir', hubDir, '--json']);
  assert.equal(JSON.parse(back.stdout).signaturePolicy, undefined);
});

test('sign → verify (valid, then altered: exit 1 naming the reason; another agency: signer-unexpected)', async () => {
  const { key, certificate } = agency(SENDER);
  const file = await packageFile('to-sign.edxml');
  const signed = await lienthong(['sign', file, '--key', key, '--cert', certificate]);
  assert.equal(signed.code, 0, signed.stderr);
  const out = join(cli.dir, 'to-sign.signed.edxml');
  assert.match(signed.stdout, /Signed .* → .*to-sign\.signed\.edxml \(ecdsa-sha256\)/);

  const ok = await lienthong(['verify', out, '--data-dir', hubDir, '--agency', SENDER]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /signature valid, ecdsa-sha256/);
  const wrongAgency = await lienthong(['verify', out, '--data-dir', hubDir, '--agency', RECIPIENT]);
  assert.equal(wrongAgency.code, 1);
  assert.match(wrongAgency.stdout, /error signer-unexpected/);

  const altered = join(cli.dir, 'altered.edxml');
  await writeFile(altered, (await readFile(out, 'utf8')).replace('Về việc ký số', 'Về việc ký sổ'));
  const bad = await lienthong(['verify', altered, '--data-dir', hubDir, '--json']);
  assert.equal(bad.code, 1);
  const error = JSON.parse(bad.stdout).error;
  assert.equal(error.code, 'signature-invalid');
  assert.equal(error.details.reasons[0].code, 'digest-mismatch');

  const root = join(hubDir, 'pki', 'ca', 'root.pem');
  const explicit = await lienthong([
    'verify',
    out,
    '--anchors',
    root,
    '--intermediates',
    join(hubDir, 'pki', 'ca', 'intermediate.pem'),
  ]);
  assert.equal(explicit.code, 0, explicit.stderr + explicit.stdout);
});

test('ca init|issue|revoke|crl|list write files openssl reads', async () => {
  const caDir = join(cli.dir, 'ca');
  const init = await lienthong(['ca', 'init', '--dir', caDir]);
  assert.equal(init.code, 0, init.stderr);
  assert.equal((await lienthong(['ca', 'init', '--dir', caDir])).code, 2, 'refuses to overwrite a CA');
  const root = await openssl('openssl', ['x509', '-noout', '-subject', '-in', join(caDir, 'root.pem')]);
  assert.match(root.stdout, /DEVELOPMENT ONLY/);

  const outDir = join(cli.dir, 'issued');
  await import('node:fs/promises').then((fs) => fs.mkdir(outDir));
  const issued = await lienthong([
    'ca',
    'issue',
    '--dir',
    caDir,
    '--agency',
    '000.00.12.H53',
    '--name',
    'Sở Thông tin và Truyền thông tỉnh Tây Ninh',
    '--key-type',
    'rsa-2048',
    '-o',
    outDir,
    '--json',
  ]);
  assert.equal(issued.code, 0, issued.stderr);
  const record = JSON.parse(issued.stdout) as { serialNumber: string; files: { certificate: string; key: string } };
  const subject = await openssl('openssl', ['x509', '-noout', '-subject', '-in', record.files.certificate]);
  assert.match(subject.stdout, /000\.00\.12\.H53/);
  const verify = await openssl('openssl', [
    'verify',
    '-CAfile',
    join(caDir, 'root.pem'),
    '-untrusted',
    join(caDir, 'intermediate.pem'),
    record.files.certificate,
  ]);
  assert.match(verify.stdout, /OK/);
  await openssl('openssl', ['pkey', '-noout', '-in', record.files.key]);

  const hub = await lienthong(['ca', 'issue', '--dir', caDir, '--hub', '--dns', 'hub.example.gov.vn']);
  assert.equal(hub.code, 0, hub.stderr);

  const revoked = await lienthong(['ca', 'revoke', record.serialNumber, '--dir', caDir, '--reason', 'keyCompromise']);
  assert.equal(revoked.code, 0, revoked.stderr);
  const crl = await lienthong(['ca', 'crl', '--dir', caDir]);
  assert.equal(crl.code, 0, crl.stderr);
  const text = await openssl('openssl', ['crl', '-noout', '-text', '-in', join(caDir, 'crl.pem')]);
  assert.match(text.stdout.replace(/:/g, ''), new RegExp(record.serialNumber, 'i'));
  assert.match(text.stdout, /Key Compromise/);

  const list = await lienthong(['ca', 'list', '--dir', caDir]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /agency\s+000\.00\.12\.H53/);
  assert.match(list.stdout, /keyCompromise/);
  assert.match(list.stdout, /\bhub\b/);
});

test('the hub’s own CA: ca list shows every demo certificate; stats signatures counts valid ones', async () => {
  const list = await lienthong(['ca', 'list', '--data-dir', hubDir, '--json']);
  assert.equal(list.code, 0, list.stderr);
  const issued = JSON.parse(list.stdout).issued as Array<{ agencyCode?: string }>;
  assert.ok(issued.filter((r) => r.agencyCode).length >= demo.length);

  const stats = await lienthong(['stats', 'signatures', '--data-dir', hubDir, '--json']);
  assert.equal(stats.code, 0, stats.stderr);
  const row = (JSON.parse(stats.stdout).agencies as Array<{ sender: string; documents: number; valid: number }>).find(
    (r) => r.sender === SENDER,
  );
  assert.ok(row && row.valid >= 3 && row.documents >= row.valid, JSON.stringify(row));
  const human = await lienthong(['stats', 'signatures', '--data-dir', hubDir]);
  assert.match(human.stdout, /SENDER\s+DOCUMENTS\s+VALID/);
  assert.match(human.stdout, /documents \(\d+\.\d%\) carried a valid XML signature/);
});
