// `lienthong gateway`: the built executable with a configuration file — refused with the field named, checked
// with --check, and run until SIGTERM (its hub unreachable: the gateway starts and serves its local API anyway).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { initCa } from '@lienthong/trust';
import { writeAgencyCertFiles } from '@lienthong/trust/testing/agency-cert-files';
import { cliHarness, MAIN } from './test-support/cli-harness.js';

const AGENCY = '000.00.11.H53';
let config: Record<string, unknown>;

const cli = cliHarness('lienthong-cli-gateway-', async (cli) => {
  const ca = join(cli.dir, 'ca');
  await initCa(ca, { keyType: 'ec-p256' });
  await mkdir(join(cli.dir, 'keys'));
  const files = await writeAgencyCertFiles(ca, AGENCY, join(cli.dir, 'keys'));
  await writeFile(join(cli.dir, 'api-key.txt'), 'lt_test_notarealkey\n');
  config = {
    hub: { url: 'http://127.0.0.1:9' },
    listen: { port: 0 },
    dataDir: 'gateway-data',
    log: { level: 'silent' },
    tenants: [
      {
        agency: AGENCY,
        apiKeyFile: 'api-key.txt',
        signingKey: files.key,
        certificate: files.cert,
        trustAnchors: [join(ca, 'root.pem')],
        folder: 'folders/h53',
      },
    ],
  };
});

test('a configuration mistake is a usage error naming the field', async () => {
  await writeFile(join(cli.dir, 'bad.json'), JSON.stringify({ ...config, listen: { port: 'eighty' } }));
  const r = await cli.lienthong(['gateway', '--config', 'bad.json']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.json: listen\.port: must be an integer/);
});

test('--check loads every tenant’s keys and says which cannot start', async () => {
  await writeFile(join(cli.dir, 'ok.json'), JSON.stringify(config));
  const ok = await cli.lienthong(['gateway', '--config', 'ok.json', '--check']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /000\.00\.11\.H53: keys and trust anchors load/);
  const tenants = config['tenants'] as Array<Record<string, unknown>>;
  await writeFile(
    join(cli.dir, 'nokey.json'),
    JSON.stringify({ ...config, tenants: [{ ...tenants[0], signingKey: 'missing.key' }] }),
  );
  const bad = await cli.lienthong(['gateway', '--config', 'nokey.json', '--check']);
  assert.equal(bad.code, 2);
  assert.match(bad.stdout, /cannot read the signing key .*missing\.key: ENOENT/);
});

test('runs with its hub unreachable, serves its local API, stops on SIGTERM', async () => {
  await writeFile(join(cli.dir, 'ok.json'), JSON.stringify(config));
  const child = spawn(process.execPath, [MAIN, 'gateway', '--config', 'ok.json', '--json'], {
    cwd: cli.dir,
    env: cli.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stdout = '';
  const started = await new Promise<{ url: string }>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      try {
        resolve(JSON.parse(stdout) as { url: string });
      } catch {
        // not whole yet
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before it started`)));
  });
  const status = (await (await fetch(`${started.url}/v1/status`)).json()) as {
    tenants: Array<{ agency: string; state: string }>;
  };
  assert.deepEqual(
    status.tenants.map((t) => [t.agency, t.state]),
    [[AGENCY, 'running']],
  );
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
