// `lienthong webhook set|show|rotate|delete` over /v1 and `lienthong webhooks dead-letters` on the data
// directory, through the built executable, against a hub it serves and a real receiver on loopback.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AGENCIES, cliHarness, RECIPIENT, SENDER } from './test-support/cli-harness.js';

let hubDir: string;
let status = 500;
const calls: Array<{ id: string; status: number }> = [];
let receiver: Server;
let url = '';

before(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls.push({ id: String(req.headers['x-lienthong-webhook-id']), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
after(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const cli = cliHarness('lienthong-cli-webhook-', async (cli) => {
  hubDir = join(cli.dir, 'hub');
  await cli.addAgencies(hubDir, AGENCIES);
  await cli.serve(hubDir, {
    env: {
      LIENTHONG_WEBHOOK_HORIZON: '1',
      LIENTHONG_WEBHOOK_INITIAL_DELAY_MS: '20',
      LIENTHONG_WEBHOOK_MAX_DELAY_MS: '50',
      LIENTHONG_WEBHOOK_POLL_MS: '20',
      LIENTHONG_WEBHOOK_TIMEOUT_MS: '1000',
    },
  });
});

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`still waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('webhook set / show / rotate / delete, and the operator retries a dead letter', async () => {
  const set = await cli.lienthong(['webhook', 'set', url, '--events', 'edoc', '--json'], cli.as(RECIPIENT));
  assert.equal(set.code, 0, set.stderr);
  const w = JSON.parse(set.stdout);
  assert.match(w.secret, /^whsec_/);
  assert.deepEqual(w.events, ['edoc']);

  const show = await cli.lienthong(['webhook', 'show'], cli.as(RECIPIENT));
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, new RegExp(`URL: +${url.replace(/[.?]/g, '\\$&')}`));
  assert.doesNotMatch(show.stdout, /whsec_/, 'the secret is shown once');

  const bad = await cli.lienthong(['webhook', 'set', 'ftp://x.example/'], cli.as(RECIPIENT));
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /scheme "ftp" is not allowed/);

  const file = await cli.writePackage('doc.edxml', {
    codeNumber: '44',
    codeNotation: 'UBND-WH',
    subject: 'Thử webhook',
  });
  const sent = await cli.lienthong(['send', file, '--json'], cli.as(SENDER));
  assert.equal(sent.code, 0, sent.stderr);
  const docId = JSON.parse(sent.stdout).docId as string;

  // 500 until the 1-second horizon: a dead letter
  const deadLetters = async () => {
    const r = await cli.lienthong(['webhooks', 'dead-letters', '--data-dir', hubDir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Array<{ id: string; docId: string; lastError?: string }>;
  };
  await until('a dead letter', async () => (await deadLetters()).some((n) => n.docId === docId));
  const [dead] = await deadLetters();
  assert.match(dead!.lastError ?? '', /HTTP 500/);
  const human = await cli.lienthong(['webhooks', 'dead-letters', '--data-dir', hubDir]);
  assert.match(human.stdout, new RegExp(dead!.id));

  status = 200;
  const retry = await cli.lienthong(['webhooks', 'dead-letters', '--data-dir', hubDir, '--retry', dead!.id]);
  assert.equal(retry.code, 0, retry.stderr);
  assert.match(retry.stdout, /1 dead letter due again/);
  await until('sent after the retry', () => calls.some((c) => c.id === dead!.id && c.status === 200));
  assert.deepEqual(await deadLetters(), []);

  const rotated = await cli.lienthong(['webhook', 'rotate', '--json'], cli.as(RECIPIENT));
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.notEqual(JSON.parse(rotated.stdout).secret, w.secret);

  const del = await cli.lienthong(['webhook', 'delete'], cli.as(RECIPIENT));
  assert.equal(del.code, 0, del.stderr);
  const gone = await cli.lienthong(['webhook', 'show'], cli.as(RECIPIENT));
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr, /has no webhook/);
});
