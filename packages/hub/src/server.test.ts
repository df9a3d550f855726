import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { httpCall } from './test-support/http-request.js';
import { startTestHub } from './test-support/start-test-hub.js';

test('health, readiness, request ids; close() lets an in-flight long-poll finish, then refuses connections', async () => {
  const t = await startTestHub({ longPollMaxSeconds: 30, shutdownGraceSeconds: 5 });
  try {
    const health = await httpCall(`${t.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
    const ready = await httpCall(`${t.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(ready.json().ok, true);
    assert.match(String(health.headers['x-request-id']), /^[0-9a-f-]{36}$/, 'a generated request id is echoed');
    const given = await httpCall(`${t.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(given.headers['x-request-id'], 'abc-123');
    const hostile = await httpCall(`${t.url}/healthz`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    assert.notEqual(hostile.headers['x-request-id'], 'bad id\twith spaces');

    const started = Date.now();
    const poll = httpCall(`${t.url}/v1/inbox?wait=25`, {
      headers: { authorization: `Bearer ${t.creds('000.00.00.H41').apiKey}` },
    });
    await new Promise((r) => setTimeout(r, 200));
    await t.close();
    const answer = await poll;
    assert.equal(answer.status, 200, 'the in-flight request was answered, not cut');
    assert.deepEqual(answer.json().items, []);
    assert.ok(Date.now() - started < 5000, 'shutdown ended the long-poll early');
    await assert.rejects(
      httpCall(`${t.url}/healthz`, { headers: { connection: 'close' } }),
      /ECONNREFUSED|socket hang up|ECONNRESET/,
    );
  } finally {
    await t.stop();
  }
});

test('a long-poll whose last inbox read is still running when the shutdown begins does not hold the close to its grace period', async () => {
  const t = await startTestHub({ longPollMaxSeconds: 30, shutdownGraceSeconds: 5 });
  try {
    // as on PostgreSQL: the read after the wake-up takes a round trip, so the response ends after the
    // server has closed the connections that were idle when the shutdown began
    const inbox = t.hub.inbox.bind(t.hub);
    let closing = false;
    t.hub.inbox = async (p, q) => {
      if (closing) await new Promise((r) => setTimeout(r, 100));
      return inbox(p, q);
    };
    const poll = httpCall(`${t.url}/v1/inbox?wait=25`, {
      headers: { authorization: `Bearer ${t.creds('000.00.00.H41').apiKey}` },
    });
    await new Promise((r) => setTimeout(r, 200));
    closing = true;
    await t.close();
    const answer = await poll;
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.connection, 'close', 'answered during the shutdown: its connection closes');
    assert.doesNotMatch(t.logs(), /grace period over/, 'every connection was closed before the grace period');
  } finally {
    await t.stop();
  }
});

test('lienthong-hub --demo prints where it listens and demo credentials; SIGTERM stops it cleanly', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-main-'));
  const child = spawn(process.execPath, [...hubMain(), '--demo', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, LIENTHONG_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        out += c;
        if (out.includes('every demo credential:')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      // generous: the demo directory's keys take long to generate on a loaded machine
      setTimeout(() => reject(new Error(`no banner: ${out}`)), 90_000).unref();
    });
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    assert.ok(url, out);
    assert.match(out, /000\.00\.00\.G22 +Văn phòng Chính phủ +\S{44} +lt_\S+/);
    const file = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
    assert.ok(out.includes(file.featured[0].vxpSecret));
    assert.equal((await httpCall(`${url}/healthz`)).status, 200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('lienthong-hub refuses a bad configuration value, naming the key', async () => {
  const child = spawn(process.execPath, [...hubMain(), '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => {
    err += c;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 2);
  assert.match(err, /configuration error: listen\.port \(from command line\): "eighty" is not an integer/);
});

/** node's arguments to run the hub's main: the compiled one, or the source through tsx when the tests run from source */
function hubMain(): string[] {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const isSource = !main.includes('/dist/');
  return isSource ? ['--conditions=lienthong-source', '--import', 'tsx', main.replace(/\.js$/, '.ts')] : [main];
}
