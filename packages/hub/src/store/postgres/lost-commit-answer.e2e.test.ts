// The worst moment for a connection to die: after PostgreSQL committed, before the hub heard it. The hub
// cannot know whether its transaction counted, so it answers 503 and the client tries again; the retry
// must then find what was committed, never make a second one. A TCP proxy between the hub and
// PostgreSQL lets the COMMIT of one chosen transaction through, swallows PostgreSQL's answer and cuts
// the connection. Then: a package submitted again (over /v1 or VXP sendEdoc) is the same document with
// the same DocId, delivered once; an acknowledgement sent again is recorded once.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { documentPackage } from '../../core/hub-test-support.js';
import { httpCall } from '../../test-support/http-request.js';
import { startTestHub, type TestHub } from '../../test-support/start-test-hub.js';
import { javaSdkHashFile, VxpTestClient } from '../../test-support/vxp-test-client.js';
import { createTestDatabase, postgresSkipReason, sqlOn, type TestDatabase } from './postgres-test-database.js';

const SENDER = '000.00.00.G22';
const RECIPIENT = '000.00.00.H41';

/**
 * Forwards connections to PostgreSQL. Armed with a marker (bytes the chosen transaction sends: a bound
 * parameter such as a package's digest), it lets the COMMIT of the first transaction that sent the
 * marker since its BEGIN reach the server, drops the server's answer and closes both sides.
 */
class CommitCutter {
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  private marker: string | undefined;
  private cut: (() => void) | undefined;
  port = 0;

  async start(target: { host: string; port: number }): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      this.sockets.add(client).add(upstream);
      let marked = false;
      let swallow = false;
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      client.on('data', (chunk: Buffer) => {
        const text = chunk.toString('latin1');
        if (/\b(begin|start transaction)\b/i.test(text)) marked = false;
        if (this.marker && text.includes(this.marker)) marked = true;
        if (marked && this.marker && /\bcommit\b/i.test(text)) swallow = true;
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        if (!swallow) {
          client.write(chunk);
          return;
        }
        // PostgreSQL answered the COMMIT: it is done there; the hub never hears it
        this.marker = undefined;
        close();
        this.cut?.();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Resolves once a transaction that sent `marker` committed and its answer was dropped. */
  arm(marker: string): Promise<void> {
    this.marker = marker;
    return new Promise((resolve) => {
      this.cut = resolve;
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('a COMMIT whose answer is lost: 503, and the retry finds what was committed', {
  skip: postgresSkipReason(),
  timeout: 60_000,
}, () => {
  let db: TestDatabase;
  let cutter: CommitCutter;
  let t: TestHub;
  let sender: { apiKey: string; vxpSecret: string };
  let recipient: { apiKey: string; vxpSecret: string };

  before(async () => {
    db = await createTestDatabase();
    const url = new URL(db.url);
    cutter = new CommitCutter();
    await cutter.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${cutter.port}`;
    t = await startTestHub({ database: url.toString(), demo: false });
    sender = (await t.hub.addAgency({ code: SENDER, name: 'Văn phòng Chính phủ' })).credentials;
    recipient = (await t.hub.addAgency({ code: RECIPIENT, name: 'UBND tỉnh Nghệ An' })).credentials;
  });
  after(async () => {
    await t?.stop();
    await cutter?.stop();
    await db?.drop();
  });

  const v1 = (apiKey: string, method: string, path: string, body?: Buffer | string, type = 'application/xml') =>
    httpCall(`${t.url}/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': type }) },
      ...(body === undefined ? {} : { body }),
    });

  async function storedWithDigest(digest: string): Promise<string[]> {
    const rows = await sqlOn(db.url, `SELECT doc_id FROM documents WHERE sha256 = '${digest}'`);
    return rows.map((r) => r['doc_id'] as string);
  }

  test('POST /v1/packages: 503, then the same bytes again are the same document (200, same DocId)', async () => {
    // above the inline threshold: the attachment is a blob file, written before the transaction, which the
    // failed request's clean-up must not take away from the document that was committed
    const content = randomBytes(300 * 1024);
    const pkg = await documentPackage(SENDER, [RECIPIENT], {
      attachments: [{ attachmentName: 'van-ban.pdf', contentType: 'application/pdf', content }],
    });
    const digest = sha(pkg);
    const cut = cutter.arm(digest);
    const first = await v1(sender.apiKey, 'POST', '/packages', pkg);
    assert.equal(first.status, 503, first.text());
    assert.equal(first.json().error.code, 'unavailable');
    await cut;
    const [committed, ...more] = await storedWithDigest(digest);
    assert.ok(committed, 'the transaction whose answer was lost did commit');
    assert.deepEqual(more, []);

    const again = await v1(sender.apiKey, 'POST', '/packages', pkg);
    assert.equal(again.status, 200, again.text());
    assert.equal(again.json().duplicate, true);
    assert.equal(again.json().docId, committed, 'the DocId of what was committed');
    assert.deepEqual(again.json().recipients, [RECIPIENT]);
    assert.deepEqual(await storedWithDigest(digest), [committed], 'still one document');

    const inbox = await v1(recipient.apiKey, 'GET', '/inbox?type=edoc');
    assert.deepEqual(
      inbox.json().items.map((i: { docId: string }) => i.docId),
      [committed],
      'delivered once',
    );
    const attachment = await v1(recipient.apiKey, 'GET', `/packages/${committed}/attachments/0`);
    assert.equal(attachment.status, 200, attachment.text());
    assert.equal(sha(attachment.body), sha(content), "the attachment's bytes");
  });

  test('VXP sendEdoc: FAIL 503, then the same bytes again answer OK with the DocId that was committed', async () => {
    const pkg = await documentPackage(SENDER, [RECIPIENT]);
    const digest = sha(pkg);
    const vxp = new VxpTestClient(t.url, { systemId: SENDER, secret: sender.vxpSecret });
    const send = () =>
      vxp.json(
        'sendEdoc',
        { servicetype: 'eDoc', from: SENDER, messagetype: 'edoc', 'hash-file': javaSdkHashFile(pkg) },
        { body: pkg, contentType: 'application/octet-stream' },
      );
    const cut = cutter.arm(digest);
    const first = await send();
    assert.equal(first.status, 'FAIL');
    assert.equal(first.ErrorCode, '503', first.ErrorDesc);
    await cut;
    const [committed] = await storedWithDigest(digest);
    assert.ok(committed);

    const again = await send();
    assert.equal(again.status, 'OK', again.ErrorDesc);
    assert.equal(again.DocId, committed);
    assert.deepEqual(await storedWithDigest(digest), [committed]);
  });

  test('an acknowledgement: 503, then again 204; recorded once', async () => {
    const pkg = await documentPackage(SENDER, [RECIPIENT]);
    const sent = await v1(sender.apiKey, 'POST', '/packages', pkg);
    assert.equal(sent.status, 201, sent.text());
    const docId = sent.json().docId as string;
    const ack = () =>
      v1(recipient.apiKey, 'POST', `/packages/${docId}/ack`, JSON.stringify({ state: 'done' }), 'application/json');

    // the event's kind is a bound parameter of the acknowledgement's transaction only
    const cut = cutter.arm('ack-done');
    const first = await ack();
    assert.equal(first.status, 503, first.text());
    await cut;
    const state = await sqlOn(db.url, `SELECT state FROM deliveries WHERE doc_id = '${docId}'`);
    assert.deepEqual(state, [{ state: 'done' }], 'the acknowledgement was committed');

    const again = await ack();
    assert.equal(again.status, 204, again.text());
    const events = await sqlOn(db.url, `SELECT kind FROM events WHERE doc_id = '${docId}' AND kind = 'ack-done'`);
    assert.equal(events.length, 1, 'one ack-done event');
    const inbox = await v1(recipient.apiKey, 'GET', '/inbox?type=edoc');
    assert.ok(!inbox.json().items.some((i: { docId: string }) => i.docId === docId), 'no longer in the inbox');
  });
});
