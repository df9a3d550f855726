// `lienthong links` and `lienthong links key` through the built executable, on a local data directory.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliHarness } from './test-support/cli-harness.js';

let hubDir: string;
let parentDir: string;
let configFile: string;
const cli = cliHarness('lienthong-cli-links-', async (cli) => {
  hubDir = join(cli.dir, 'hub');
  parentDir = join(cli.dir, 'parent');
  await mkdir(hubDir, { recursive: true });
  await mkdir(parentDir, { recursive: true });
});

test('links key makes the link key once and prints its public half; links lists the configured links', async () => {
  const first = await cli.lienthong(['links', 'key', '--data-dir', parentDir]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^-----BEGIN PUBLIC KEY-----/);
  assert.equal(createPublicKey(first.stdout).asymmetricKeyType, 'ed25519');
  const again = await cli.lienthong(['links', 'key', '--data-dir', parentDir, '--json']);
  assert.equal(JSON.parse(again.stdout).publicKey.trim(), first.stdout.trim(), 'the same key every time');
  assert.equal((await readFile(join(parentDir, 'keys', 'link.pub.pem'), 'utf8')).trim(), first.stdout.trim());

  const none = await cli.lienthong(['links', '--data-dir', hubDir]);
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stdout, /No links/);

  configFile = join(cli.dir, 'hub.json');
  await writeFile(
    configFile,
    JSON.stringify({
      dataDir: hubDir,
      hubId: 'hub.province',
      federation: {
        parent: {
          hubId: 'hub.national',
          url: 'http://127.0.0.1:9',
          certificate: join(parentDir, 'keys', 'link.pub.pem'),
        },
      },
    }),
  );
  const listed = await cli.lienthong(['links', '--config', configFile, '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const [link] = JSON.parse(listed.stdout).links;
  assert.equal(link.hubId, 'hub.national');
  assert.equal(link.role, 'parent');
  assert.equal(link.queueDepth, 0);
  assert.equal(link.errorRate, 0);
  const table = await cli.lienthong(['links', '--config', configFile]);
  assert.match(table.stdout, /hub\.national\s+parent\s+0\s+-\s+never/);
});
