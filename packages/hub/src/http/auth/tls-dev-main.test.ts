// `lienthong-hub --tls-dev` as a process: it serves HTTPS with the development CA's certificate and says so.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { httpsCall } from '../../test-support/https-call.js';

test('lienthong-hub --tls-dev prints an https URL that a client trusting the development root reaches', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-tls-dev-'));
  const main = fileURLToPath(new URL('../../main.js', import.meta.url));
  const child = spawn(process.execPath, [main, '--tls-dev', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, LIENTHONG_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => {
      err += c;
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        out += c;
        if (out.includes('data:') && out.includes('TLS:')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}${err}`)));
    });
    const url = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    assert.ok(url, out);
    assert.ok(out.includes(`REST API: ${url}/v1`));
    const root = join(dataDir, 'pki', 'ca', 'root.pem');
    assert.ok(out.includes(`clients trust ${root}`), out);
    const ready = await httpsCall(`${url}/readyz`, { tls: { ca: readFileSync(root, 'utf8') } });
    assert.equal(ready.status, 200);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
