// The gateway against a real hub on loopback: real folders, real HTTP, real signatures from a dev CA.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { verifyPackage } from '@lienthong/trust';
import { type RunningGateway, startGateway } from './gateway.js';
import {
  documentPackage,
  dropIntoOutbox,
  folderOf,
  gatewayConfig,
  listDir,
  readJson,
  type TestEnv,
  testEnv,
  until,
} from './test-support/gateway-test-env.js';

const A = '000.00.11.H53';
const B = '000.00.01.A53';
const C = '000.00.00.G22';

let env: TestEnv;
const running: RunningGateway[] = [];

async function gateway(config: Record<string, unknown>): Promise<RunningGateway> {
  const g = await startGateway(config);
  running.push(g);
  return g;
}

before(async () => {
  env = await testEnv([A, B, C]);
});
after(async () => {
  for (const g of running) await g.close();
  await env?.dispose();
});

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

test('a package dropped into the outbox reaches the recipient signed; its gateway delivers it verified and acks', async () => {
  const sendCfg = gatewayConfig(env, 'gw-a', [A]);
  const recvCfg = gatewayConfig(env, 'gw-b', [B]);
  await gateway(sendCfg);
  await gateway(recvCfg);
  const aFolder = folderOf(sendCfg, A);
  const bFolder = folderOf(recvCfg, B);

  // a file still being written (not yet renamed to .edxml) is left alone
  await writeFile(join(aFolder, 'outbox', 'dang-ghi.edxml.tmp'), '<edXML');
  await dropIntoOutbox(aFolder, 'cong-van-1.edxml', await documentPackage(A, [B], 'Về việc thử cổng'));

  const sent = await until(async () => (await listDir(join(aFolder, 'sent'))).find((f) => f.endsWith('.json')), 'sent/');
  const receipt = await readJson<{ docId: string; receipt: string; duplicate: boolean }>(join(aFolder, 'sent', sent));
  assert.equal(sent, 'cong-van-1.edxml.json');
  assert.equal(receipt.duplicate, false);
  assert.match(receipt.receipt, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.deepEqual(await listDir(join(aFolder, 'outbox')), ['dang-ghi.edxml.tmp']);

  // the package the hub holds is signed by A (the hub checked it at intake)
  const timeline = await env.client(A).timeline(receipt.docId);
  assert.equal(timeline.signature?.status, 'valid', JSON.stringify(timeline.signature));
  assert.equal(timeline.signature?.signer?.agencyCode, A);

  const { docId } = receipt;
  await until(async () => (await listDir(join(bFolder, 'inbox'))).includes(`${docId}.edxml`), 'inbox/<docId>.edxml');
  const meta = await readJson<Record<string, any>>(join(bFolder, 'inbox', `${docId}.json`));
  assert.equal(meta['from'], A);
  assert.equal(meta['subject'], 'Về việc thử cổng');
  assert.equal(meta['signature'].status, 'valid', JSON.stringify(meta['signature']));
  assert.equal(meta['signature'].signer.agencyCode, A);
  assert.deepEqual(
    meta['signature'].appendedTraces.map((t: { organId: string }) => t.organId),
    ['lienthong.test'],
    "the hub's TraceHeader is what was set aside",
  );
  // the delivered bytes, as such, no longer carry A's exact signed bytes: the hub appended its TraceHeader
  const delivered = await readFile(join(bFolder, 'inbox', `${docId}.edxml`));
  assert.match(delivered.toString('utf8'), /<edXML:OrganId>lienthong\.test<\/edXML:OrganId>/);
  const raw = await verifyPackage([delivered], { trustAnchors: [await readFile(env.anchor, 'utf8')] });
  assert.equal(raw.status, 'invalid');

  // acknowledged at the hub: gone from B's inbox there, 'done' in A's timeline
  await until(async () => (await env.client(B).inbox()).items.every((i) => i.docId !== docId), 'the ack at the hub');
  const after = await env.client(A).timeline(docId);
  assert.equal(after.recipients.find((r) => r.code === B)?.state, 'done');
});
