// `lienthong gc` through the built executable, on a local data directory.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { AGENCIES, cliHarness } from './test-support/cli-harness.js';

let hubDir: string;
const cli = cliHarness('lienthong-cli-gc-', async (cli) => {
  hubDir = join(cli.dir, 'hub');
  await cli.addAgencies(hubDir, AGENCIES);
});

async function plantOrphan(bytes: Buffer, ageSeconds: number): Promise<string> {
  const key = createHash('sha256').update(bytes).digest('hex');
  const dir = join(hubDir, 'blobs', key.slice(0, 2), key.slice(2, 4));
  await mkdir(dir, { recursive: true });
  const at = new Date(Date.now() - ageSeconds * 1000);
  await writeFile(join(dir, key), bytes);
  await utimes(join(dir, key), at, at);
  return join(dir, key);
}

test('gc prints its figures; --dry-run deletes nothing, then the old orphan goes and the young one stays', async () => {
  const old = await plantOrphan(randomBytes(2048), 7200);
  const young = await plantOrphan(randomBytes(100), 60);

  const dry = await cli.lienthong(['gc', '--data-dir', hubDir, '--dry-run', '--json']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(JSON.parse(dry.stdout), {
    scanned: 2,
    orphans: 1,
    orphanBytes: 2048,
    removed: 0,
    bytesFreed: 0,
    dryRun: true,
    minAgeSeconds: 3600,
  });
  assert.ok(existsSync(old));

  const run = await cli.lienthong(['gc', '--data-dir', hubDir]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Scanned 2 blob files; 1 unreferenced and older than 3600 s \(2\.0 KiB\)/);
  assert.match(run.stdout, /Deleted 1 files, 2\.0 KiB freed/);
  assert.equal(existsSync(old), false);
  assert.ok(existsSync(young));

  const shorter = await cli.lienthong(['gc', '--data-dir', hubDir, '--min-age', '30', '--json']);
  assert.equal(shorter.code, 0, shorter.stderr);
  assert.equal(JSON.parse(shorter.stdout).removed, 1);
});
