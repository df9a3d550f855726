// Both clients against the real hub over HTTPS with client certificates from the hub's development CA:
// /v1 without an API key, VXP without a secret (and without a system id: the certificate names the agency).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RealHub, startRealHub } from '../test-support/real-hub.js';
import { sampleDocument } from '../test-support/sample-packages.js';
import { LienthongApiError } from '../v1/api-error.js';
import { LienthongClient } from '../v1/lienthong-client.js';
import { VxpClient } from '../vxp/vxp-client.js';
import { VxpError } from '../vxp/vxp-error.js';
import { ConnectionError } from './http-request.js';

const SENDER = '000.00.00.H41';
const RECIPIENT = '000.00.00.G22';
// The SDK does not depend on @lienthong/trust; the test issues certificates with it, loaded by name.
const CERT_FILES = '@lienthong/trust/testing/agency-cert-files';

let hub: RealHub;
let root: string;
let recipientKey: string;
const files: Record<string, { cert: string; key: string }> = {};

before(async () => {
  hub = await startRealHub({ tls: { dev: true, requestClientCert: true } });
  await hub.addAgency(SENDER, 'UBND tỉnh Nghệ An');
  recipientKey = (await hub.addAgency(RECIPIENT, 'Văn phòng Chính phủ')).apiKey;
  const { writeAgencyCertFiles } = await import(CERT_FILES);
  const caDir = join(hub.dataDir, 'pki', 'ca');
  root = join(caDir, 'root.pem');
  for (const code of [SENDER, RECIPIENT]) files[code] = await writeAgencyCertFiles(caDir, code, hub.dataDir);
});
after(() => hub?.close());

test('LienthongClient over mutual TLS: submit, inbox, download, ack with certificate files and no API key', async () => {
  assert.match(hub.url, /^https:/);
  const sender = new LienthongClient({ url: hub.url, tls: { ca: root, ...files[SENDER] } });
  const recipient = new LienthongClient({ url: hub.url, tls: { ca: root, ...files[RECIPIENT] } });
  const doc = await sampleDocument(SENDER, [RECIPIENT]);
  const r = await sender.submit(doc.bytes);
  assert.deepEqual(r.recipients, [RECIPIENT]);
  const page = await recipient.inbox({ type: 'edoc' });
  assert.deepEqual(
    page.items.map((i) => i.docId),
    [r.docId],
  );
  const chunks: Buffer[] = [];
  for await (const chunk of await recipient.download(r.docId)) chunks.push(chunk as Buffer);
  assert.equal(Buffer.concat(chunks).length > doc.bytes.length, true, 'the package as delivered, with its trace');
  await recipient.ack(r.docId, 'done');
  assert.deepEqual((await recipient.inbox({ type: 'edoc' })).items, []);

  const crossed = new LienthongClient({ url: hub.url, apiKey: recipientKey, tls: { ca: root, ...files[SENDER] } });
  await assert.rejects(
    crossed.inbox(),
    (err: unknown) => err instanceof LienthongApiError && err.status === 401 && /belongs to/.test(err.message),
  );
  assert.throws(() => new LienthongClient({ url: hub.url }), /needs an apiKey or a client certificate/);
  assert.throws(
    () => new LienthongClient({ url: hub.url, tls: { cert: files[SENDER]!.cert } }),
    /tls\.cert and tls\.key go together/,
  );
  const untrusting = new LienthongClient({ url: hub.url, tls: files[SENDER], retry: { attempts: 1 } });
  await assert.rejects(
    untrusting.inbox(),
    (err: unknown) => err instanceof ConnectionError && /CERT|certificate/i.test(err.message),
  );
});

test('VxpClient over mutual TLS: unsigned parameters, system id from the certificate', async () => {
  const sender = new VxpClient({ endpoint: hub.url, tls: { ca: root, ...files[SENDER] }, refreshTimestamp: true });
  assert.equal(sender.systemId, SENDER);
  assert.equal(sender.signedHeaders({}, 'application/json')['XroadVnpt-hash-header'], undefined);
  const recipient = new VxpClient({ endpoint: hub.url, tls: { ca: root, ...files[RECIPIENT] } });
  const doc = await sampleDocument(SENDER, [RECIPIENT]);
  const sent = await sender.sendEdoc(doc.bytes, { from: SENDER });
  const list = await recipient.getReceivedEdocList();
  assert.ok(list.data.some((row) => row.docId === sent.DocId && row.from === SENDER));
  assert.equal((await recipient.countReceiveEdoc()).count, 1);

  const impostor = new VxpClient({ endpoint: hub.url, systemId: SENDER, tls: { ca: root, ...files[RECIPIENT] } });
  await assert.rejects(
    impostor.countReceiveEdoc(),
    (err: unknown) => err instanceof VxpError && /is not the agency of the client certificate/.test(err.message),
  );
});
