// Acceptance: the bad-input table. Each row asserts the HTTP status (/v1) or FAIL + ErrorCode (VXP) and the message;
// afterwards the hub still answers and holds no partial document.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { request } from 'node:http';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { type HttpAnswer, httpCall, readAnswer } from '../test-support/http-request.js';
import { type SampleDocument, sampleDocument } from '../test-support/sample-packages.js';
import { startTestHub, type TestHub } from '../test-support/start-test-hub.js';
import { javaSdkTimestamp, VxpTestClient } from '../test-support/vxp-test-client.js';

const SENDER = '000.00.00.G22';
const RECEIVER = '000.00.00.H41';
const LIMIT = 256 * 1024;

let t: TestHub;
let valid: SampleDocument;

function post(code: string, body: Buffer | string): Promise<HttpAnswer> {
  return httpCall(`${t.url}/v1/packages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.creds(code).apiKey}`, 'content-type': 'application/xml' },
    body,
  });
}

function vxp(code: string, timestamp?: string) {
  return new VxpTestClient(t.url, t.creds(code), timestamp);
}

/** a valid package whose attachment makes it larger than the limit */
async function bigPackage(): Promise<Buffer> {
  const content = Buffer.alloc(LIMIT, 0x41);
  return (await sampleDocument({ from: SENDER, to: [RECEIVER], attachments: [{ attachmentName: 'big.bin', content }] }))
    .bytes;
}

async function sendEdoc(c: VxpTestClient, body: Buffer | string | Readable) {
  return c.json(
    'sendEdoc',
    { from: c.creds.systemId, servicetype: 'eDoc', messagetype: 'edoc' },
    { body, contentType: 'application/octet-stream' },
  );
}

/** the valid package with one edit */
function edited(find: RegExp | string, replace: string): string {
  const xml = valid.bytes.toString('utf8');
  const out = xml.replace(find, replace);
  assert.notEqual(out, xml, `the edit ${find} applies`);
  return out;
}

async function pendingCount(code: string): Promise<number> {
  return (await vxp(code).json('countReceiveEdoc', {})).count;
}

describe('bad input is refused precisely, and leaves nothing behind', () => {
  let before0: number;
  const passwdMtime = statSync('/etc/passwd').mtimeMs;

  before(async () => {
    t = await startTestHub({ limits: { maxBodyBytes: LIMIT } });
    valid = await sampleDocument({ from: SENDER, to: [RECEIVER] });
    before0 = await pendingCount(RECEIVER);
  });
  after(async () => {
    await t.stop();
  });

  const v1Rows: Array<[string, () => string | Buffer | Promise<string | Buffer>, number, string, RegExp]> = [
    [
      'malformed XML',
      () => edited('</edXML:Subject>', '</edXML:Subjec>'),
      400,
      'bad-package',
      /Subjec|mismatch|malformed|expected/i,
    ],
    [
      'a DTD (DOCTYPE)',
      () => edited('<edXML ', '<!DOCTYPE edXML [<!ELEMENT edXML ANY>]>\n<edXML '),
      400,
      'bad-package',
      /DOCTYPE|DTD/,
    ],
    [
      'an entity declaration (billion laughs)',
      () =>
        edited(
          '<edXML ',
          '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n<edXML ',
        ).replace('V/v kiểm thử', '&lol2;'),
      400,
      'bad-package',
      /DOCTYPE|DTD|entit/i,
    ],
    [
      'an undefined entity',
      () => edited('V/v kiểm thử', '&undefinedEntity;'),
      400,
      'bad-package',
      /undefinedEntity|entity/i,
    ],
    [
      '10,000-deep nesting',
      () => edited('Nội dung kiểm thử', `${'<a>'.repeat(10_000)}x${'</a>'.repeat(10_000)}`),
      400,
      'bad-package',
      /deep|depth|nest/i,
    ],
    ['a missing Code', () => edited(/<edXML:Code>[\s\S]*?<\/edXML:Code>/, ''), 422, 'invalid-package', /Code/],
    [
      'a bad date',
      () => edited(/<edXML:PromulgationDate>[^<]*</, '<edXML:PromulgationDate>2020/13/45<'),
      422,
      'invalid-package',
      /PromulgationDate.*2020\/13\/45|2020\/13\/45.*PromulgationDate/,
    ],
    [
      'an unknown recipient',
      async () => (await sampleDocument({ from: SENDER, to: ['999.99.99.Z99'] })).bytes,
      422,
      'unknown-recipient',
      /999\.99\.99\.Z99/,
    ],
    [
      'a forged sender (From is not the caller)',
      async () => (await sampleDocument({ from: '000.00.00.H53', to: [RECEIVER] })).bytes,
      403,
      'forbidden',
      /000\.00\.00\.H53/,
    ],
    [
      'a body over the limit (streamed, no Content-Length)',
      () => bigPackage(),
      413,
      'too-large',
      new RegExp(`${LIMIT}`),
    ],
    ['an empty body', () => '', 400, 'bad-package', /empty|no body/i],
  ];

  for (const [name, make, status, code, message] of v1Rows) {
    test(`/v1: ${name} → ${status} ${code}`, async () => {
      const body = await make();
      // a streamed body: Content-Length would trigger the early refusal instead of the streaming limit
      const res =
        Buffer.isBuffer(body) && body.length > LIMIT ? await postChunked(SENDER, body) : await post(SENDER, body);
      assert.equal(res.status, status, res.text());
      const err = res.json().error;
      assert.equal(err.code, code);
      assert.match(err.message, message);
      assert.ok(err.requestId);
    });
  }

  test('/v1: a Content-Length over the limit is refused with 413 before the body is read', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${t.url}/v1/packages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${t.creds(SENDER).apiKey}`,
          'content-type': 'application/xml',
          'content-length': String(LIMIT * 100),
        },
      });
      req.on('response', (r) => {
        let text = '';
        r.on('data', (c) => {
          text += c;
        });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    assert.equal(res.status, 413);
    assert.match(
      JSON.parse(res.body).error.message,
      new RegExp(`${LIMIT * 100} bytes \\(Content-Length\\).*at most ${LIMIT}`),
    );
  });

  test('/v1: an attachment named ../../etc/passwd is accepted; the name is served sanitised; nothing is written outside the data dir', async () => {
    const doc = await sampleDocument({
      from: SENDER,
      to: [RECEIVER],
      attachments: [
        { attachmentName: '../../etc/passwd', contentType: 'text/plain', content: Buffer.from('root:x:0:0\n') },
      ],
    });
    const res = await post(SENDER, doc.bytes);
    assert.equal(res.status, 201, res.text());
    const file = await httpCall(`${t.url}/v1/packages/${res.json().docId}/attachments/0`, {
      headers: { authorization: `Bearer ${t.creds(RECEIVER).apiKey}` },
    });
    assert.equal(file.status, 200);
    assert.equal(file.headers['content-disposition'], `attachment; filename="passwd"; filename*=UTF-8''passwd`);
    assert.equal(file.text(), 'root:x:0:0\n');
    assert.equal(statSync('/etc/passwd').mtimeMs, passwdMtime);
    for (const p of [`${dirname(t.dataDir)}/etc/passwd`, `${t.dataDir}/../etc/passwd`]) {
      assert.throws(() => statSync(p), `${p} must not exist`);
    }
    assert.equal((await pendingCount(RECEIVER)) - before0, 1);
    before0 += 1;
  });

  test('/v1 and VXP: a truncated upload (the client destroys the socket mid-body) leaves nothing', async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${t.url}/v1/packages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${t.creds(SENDER).apiKey}`,
          'content-type': 'application/xml',
          'content-length': String(valid.bytes.length),
        },
      });
      req.on('error', () => resolve());
      req.write(valid.bytes.subarray(0, Math.floor(valid.bytes.length / 2)));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 100);
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await pendingCount(RECEIVER), before0);
    assert.deepEqual(t.filesUnder('tmp'), []);
  });

  const vxpRows: Array<[string, () => Promise<Record<string, string>>, string, RegExp]> = [
    [
      'malformed XML',
      () => sendEdoc(vxp(SENDER), edited('</edXML:Subject>', '</edXML:Subjec>')),
      '400',
      /Subjec|mismatch|malformed|expected/i,
    ],
    [
      'a DTD',
      () => sendEdoc(vxp(SENDER), edited('<edXML ', '<!DOCTYPE edXML SYSTEM "http://evil/x.dtd">\n<edXML ')),
      '400',
      /DOCTYPE|DTD/,
    ],
    ['a missing Code', () => sendEdoc(vxp(SENDER), edited(/<edXML:Code>[\s\S]*?<\/edXML:Code>/, '')), '422', /Code/],
    [
      'a forged sender',
      async () => sendEdoc(vxp(RECEIVER), (await sampleDocument({ from: SENDER, to: ['000.00.00.H53'] })).bytes),
      '403',
      /000\.00\.00\.G22/,
    ],
    [
      'a body over the limit (streamed)',
      async () => sendEdoc(vxp(SENDER), Readable.from([await bigPackage()])),
      '413',
      /262144/,
    ],
    [
      'a bad MAC',
      () =>
        vxp(SENDER).json(
          'countReceiveEdoc',
          {},
          {
            mutate: (h) => {
              h['XroadVnpt-hash-header'] = 'ab'.repeat(32);
            },
          },
        ),
      '401',
      /XroadVnpt-hash-header does not match the HMAC-SHA256 of XroadVnpt-sign-header for systemid "000\.00\.00\.G22"/,
    ],
    [
      'an unknown systemid',
      () => new VxpTestClient(t.url, { systemId: '999.99.99.Z99', secret: 'x' }).json('countReceiveEdoc', {}),
      '401',
      /^unknown or disabled systemid "999\.99\.99\.Z99"$/,
    ],
    [
      'a stale timestamp',
      () => vxp(SENDER, javaSdkTimestamp(new Date(Date.now() - 3_600_000))).json('countReceiveEdoc', {}),
      '401',
      /^timestamp \d{8}T\d{6}\+\d{4} is outside the 900 s window/,
    ],
    [
      'a header that differs from its signed value',
      () =>
        vxp(RECEIVER).json(
          'getEdoc',
          { docId: 'aaaaaaaaaaaaaaaaaaaaaaaa' },
          {
            mutate: (h) => {
              h['XroadVnpt-docId'] = 'bbbbbbbbbbbbbbbbbbbbbbbb';
            },
          },
        ),
      '401',
      /^header XroadVnpt-docId differs from its signed value$/,
    ],
    ['a missing parameter', () => vxp(RECEIVER).json('getEdoc', {}), '400', /^missing parameter XroadVnpt-docId$/],
    [
      'a bad updateStatus value',
      () => vxp(RECEIVER).json('updateStatus', { docId: 'aaaaaaaaaaaaaaaaaaaaaaaa', status: 'eaten' }),
      '400',
      /status must be done, fail or processing/,
    ],
  ];

  for (const [name, call, code, message] of vxpRows) {
    test(`VXP: ${name} → FAIL ${code}`, async () => {
      const answer = await call();
      assert.deepEqual(Object.keys(answer), ['status', 'ErrorCode', 'ErrorDesc']);
      assert.equal(answer.status, 'FAIL');
      assert.equal(answer.ErrorCode, code, answer.ErrorDesc);
      assert.match(answer.ErrorDesc!, message);
    });
  }

  test('VXP: a Content-Length over the limit → FAIL 413 before the body is read', async () => {
    const c = vxp(SENDER);
    const res = await c.call('countReceiveEdoc', {}, { method: 'GET' });
    assert.equal(res.status, 200);
    const answer = await new Promise<Record<string, string>>((resolve, reject) => {
      const req = request(`${t.url}/sendEdoc`, {
        method: 'POST',
        headers: { ...c.lastHeaders, 'content-type': 'application/octet-stream', 'content-length': String(LIMIT + 1) },
      });
      req.on('response', (r) => {
        let text = '';
        r.on('data', (d) => {
          text += d;
        });
        r.on('end', () => resolve(JSON.parse(text)));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    assert.equal(answer.status, 'FAIL');
    assert.equal(answer.ErrorCode, '413');
    assert.match(answer.ErrorDesc!, /Content-Length/);
  });

  test('afterwards: the hub answers, the receiver got nothing new, no temp file is left', async () => {
    assert.equal((await httpCall(`${t.url}/healthz`)).status, 200);
    assert.equal((await httpCall(`${t.url}/readyz`)).status, 200);
    assert.equal(await pendingCount(RECEIVER), before0);
    assert.deepEqual(t.filesUnder('tmp'), []);
  });
});

function postChunked(code: string, body: Buffer): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}/v1/packages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${t.creds(code).apiKey}`,
        'content-type': 'application/xml',
        'transfer-encoding': 'chunked',
      },
    });
    req.on('response', (res) => readAnswer(res).then(resolve, reject));
    // the hub may answer and close before the whole body is written
    req.on('error', (err) =>
      String(err).includes('EPIPE') || String(err).includes('ECONNRESET') ? undefined : reject(err),
    );
    let offset = 0;
    const pump = () => {
      while (offset < body.length) {
        const chunk = body.subarray(offset, offset + 16 * 1024);
        offset += chunk.length;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
