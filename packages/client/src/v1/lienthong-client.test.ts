// The client's own HTTP behaviour (retries, error answers, streaming, headers) against a scripted
// loopback server; the full canonical loop against the real hub is in lienthong-client.hub.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { LienthongApiError } from './api-error.js';
import { LienthongClient } from './lienthong-client.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
let server: Server;
let url: string;
let handler: Handler = (_req, res) => res.end();
const hits: string[] = [];

before(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    hits.push(`${req.method} ${req.url}`);
    handler(req, res, Buffer.concat(chunks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(): LienthongClient {
  return new LienthongClient({ url, apiKey: 'lt_k_s', retry: { attempts: 3, baseDelayMs: 1 } });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

test('GETs are retried on 503, dates are revived, the bearer key is sent', async () => {
  hits.length = 0;
  let n = 0;
  handler = (req, res) => {
    assert.equal(req.headers.authorization, 'Bearer lt_k_s');
    if (++n < 3) return json(res, 503, { error: { code: 'unavailable', message: 'not ready' } });
    json(res, 200, { items: [{ docId: 'd1', createdAt: '2024-01-02T03:04:05.000Z', subject: 'Về việc' }] });
  };
  const page = await client().inbox({ type: 'status', limit: 5, state: ['pending', 'fail'] });
  assert.equal(n, 3);
  assert.equal(hits[0], '/v1/inbox?type=status&limit=5&state=pending%2Cfail'.replace(/^/, 'GET '));
  assert.ok(page.items[0]?.createdAt instanceof Date);
  assert.equal(page.items[0]?.subject, 'Về việc');
  assert.equal(page.nextCursor, undefined);
});

test('a non-idempotent call is not retried; error answers become LienthongApiError', async () => {
  let n = 0;
  handler = (_req, res) => {
    n++;
    res.setHeader('x-request-id', 'req-9');
    json(res, 503, { error: { code: 'unavailable', message: 'store not ready' } });
  };
  await assert.rejects(client().sendStatus('d1', '03'), (err: unknown) => {
    assert.ok(err instanceof LienthongApiError);
    assert.equal(err.status, 503);
    assert.equal(err.code, 'unavailable');
    assert.equal(err.message, 'store not ready');
    assert.equal(err.requestId, 'req-9');
    return true;
  });
  assert.equal(n, 1);
  handler = (_req, res) =>
    json(res, 422, {
      error: { code: 'invalid-package', message: 'required', path: 'MessageHeader/Subject', requestId: 'r1' },
    });
  await assert.rejects(client().timeline('x'), { code: 'invalid-package', path: 'MessageHeader/Subject', status: 422 });
});

test('submit streams the body with Digest and to=, reporting progress; a stream is not retried', async () => {
  const body = Buffer.alloc(300_000, 'a');
  let seen: { digest?: string; url?: string; size: number } = { size: 0 };
  handler = (req, res, b) => {
    seen = { digest: String(req.headers.digest), url: req.url ?? '', size: b.length };
    json(res, 201, {
      docId: 'd2',
      messageType: 'edoc',
      duplicate: false,
      recipients: ['A', 'B'],
      warnings: [],
      sha256: 'x',
      size: b.length,
    });
  };
  let last = 0;
  const r = await client().submit(body, { to: ['A', 'B'], onProgress: (p) => (last = p.transferred) });
  assert.equal(r.docId, 'd2');
  assert.equal(seen.size, body.length);
  assert.equal(seen.url, '/v1/packages?to=A%2CB');
  assert.equal(seen.digest, `sha-256=${createHash('sha256').update(body).digest('hex')}`);
  assert.equal(last, body.length);

  let n = 0;
  handler = (_req, res) => {
    n++;
    json(res, 503, { error: { code: 'unavailable', message: 'busy' } });
  };
  await assert.rejects(client().submit(Readable.from([body])), { status: 503 });
  assert.equal(n, 1);
});

test('downloadTo writes the file; attachment reads the UTF-8 file name', async () => {
  const content = Buffer.from('<edXML/>'.repeat(10000));
  handler = (req, res) => {
    if (req.url?.includes('/attachments/')) {
      res.writeHead(200, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="cong-van.pdf"; filename*=UTF-8''${encodeURIComponent('Công văn.pdf')}`,
        'content-length': 3,
      });
      return res.end('pdf');
    }
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': content.length });
    res.end(content);
  };
  const dir = await mkdtemp(join(tmpdir(), 'lt-client-'));
  try {
    const target = join(dir, 'p.edxml');
    let last = 0;
    const r = await client().downloadTo('d3', target, { onProgress: (p) => (last = p.transferred) });
    assert.equal(r.size, content.length);
    assert.equal(last, content.length);
    assert.ok((await readFile(target)).equals(content));
    const a = await client().attachment('d3', 0);
    assert.equal(a.name, 'Công văn.pdf');
    assert.equal(a.contentType, 'application/pdf');
    assert.equal(a.size, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a refused connection surfaces after the retries', async () => {
  const dead = new LienthongClient({ url: 'http://127.0.0.1:1', apiKey: 'k', retry: { attempts: 2, baseDelayMs: 1 } });
  await assert.rejects(dead.agencies(), { name: 'ConnectionError' });
});
