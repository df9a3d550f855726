// `lienthong backup` of a running hub under load, then `lienthong restore`: the restored hub holds every
// document acknowledged before the backup began (bytes and all), and its audit chain verifies.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildSimpleDocument, collect, LienthongClient, parseEdxml } from '@lienthong/client';
import { AGENCIES, cliHarness, RECIPIENT, SENDER } from './test-support/cli-harness.js';

let hubDir: string;
const cli = cliHarness('lienthong-cli-backup-', async (cli) => {
  hubDir = join(cli.dir, 'hub');
  await cli.addAgencies(hubDir, AGENCIES);
  await cli.serve(hubDir);
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('restore refuses a damaged backup and leaves no data directory behind', async () => {
  const r = await cli.lienthong(['backup', '--data-dir', hubDir, '--to', 'backup-2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const manifestFile = join(cli.dir, 'backup-2', 'backup.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  await writeFile(
    manifestFile,
    JSON.stringify({ ...manifest, database: { ...manifest.database, sha256: '0'.repeat(64) } }),
  );
  const bad = await cli.lienthong(['restore', '--from', 'backup-2', '--data-dir', 'never']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /hub\.sqlite is damaged/);
  assert.equal(existsSync(join(cli.dir, 'never')), false);
  assert.deepEqual(
    (await readdir(cli.dir)).filter((f) => f.includes('restoring')),
    [],
  );
});

test('backup while packages keep arriving; restore holds everything acknowledged before it began; audit intact', async () => {
  const sender = new LienthongClient({
    url: cli.url,
    apiKey: cli.creds[SENDER]!.apiKey,
    retry: { attempts: 1, baseDelayMs: 0 },
  });
  let serial = 0;
  // every third package carries a 300 KiB attachment: kept as a blob file, not inside the database
  const accepted: { docId: string; attachmentSha256: string; at: number }[] = [];
  const packageBytes = async () => {
    const n = ++serial;
    const size = n % 3 === 0 ? 300 * 1024 : 2048;
    const content = Buffer.alloc(size, n % 251);
    const bytes = await collect(
      buildSimpleDocument({
        from: SENDER,
        to: [RECIPIENT],
        codeNumber: String(n),
        codeNotation: 'BK',
        subject: `Sao lưu ${n}`,
        attachments: [{ name: `a${n}.pdf`, content }],
      }),
    );
    return { bytes, attachmentSha256: sha256(content) };
  };
  let stop = false;
  const writer = async () => {
    while (!stop) {
      const p = await packageBytes();
      const r = await sender.submit(p.bytes);
      accepted.push({ docId: r.docId, attachmentSha256: p.attachmentSha256, at: Date.now() });
    }
  };
  const writers = [writer(), writer(), writer()];
  while (accepted.length < 30) await new Promise((r) => setTimeout(r, 20));

  const before = [...accepted];
  const beganAt = Date.now();
  const backup = await cli.lienthong(['backup', '--data-dir', hubDir, '--to', 'backup-1', '--json']);
  const endedAt = Date.now();
  stop = true;
  await Promise.all(writers);
  assert.equal(backup.code, 0, backup.stderr);
  const manifest = JSON.parse(backup.stdout);
  const during = accepted.filter((a) => a.at > beganAt && a.at < endedAt).length;
  assert.ok(during > 0, 'packages were accepted while the backup ran');
  assert.ok(manifest.documents >= before.length, `${manifest.documents} documents in the backup`);
  assert.ok(manifest.blobs.count > 0, 'large attachments were copied as blob files');
  assert.ok(manifest.files.includes('keys/master.key'), 'the master key is in the backup');

  // a backup is never written over
  const again = await cli.lienthong(['backup', '--data-dir', hubDir, '--to', 'backup-1']);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /not empty/);

  const restoredDir = join(cli.dir, 'restored');
  const restore = await cli.lienthong(['restore', '--from', 'backup-1', '--data-dir', restoredDir, '--json']);
  assert.equal(restore.code, 0, restore.stderr);
  const restored = JSON.parse(restore.stdout);
  assert.equal(restored.audit.valid, true);
  assert.equal(restored.audit.entries, manifest.audit.entries);

  // the restored hub, serving: every document acknowledged before the backup began, its attachment intact
  await cli.stopServer();
  const { url } = await cli.serve(restoredDir);
  const recipient = new LienthongClient({ url, apiKey: cli.creds[RECIPIENT]!.apiKey });
  for (const a of before) {
    const parsed = await parseEdxml(await recipient.download(a.docId));
    assert.equal(parsed.package.kind === 'document' && parsed.package.attachments[0]?.sha256, a.attachmentSha256);
  }
  const verify = await cli.lienthong(['audit', 'verify', '--data-dir', restoredDir, '--json']);
  assert.equal(verify.code, 0, verify.stderr);
});
