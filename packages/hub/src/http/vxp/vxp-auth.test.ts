import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, test } from 'node:test';
import { HubError } from '../../core/contract.js';
import { javaSdkTimestamp, signLikeJavaSdk } from '../../test-support/vxp-test-client.js';
import { authenticateVxp, type VxpAuthOptions } from './vxp-auth.js';

const SECRET = 'k0fQm3Yd7bq1pZ2xW9sV4tU6rN8aE5cJ0hL3gK7iO1M=';
const NOW = new Date('2025-11-21T03:00:00Z');
const secrets: Record<string, string> = { '000.00.00.G22': SECRET, 'vxp.saas.03': 'another-secret' };
const opts: VxpAuthOptions = {
  secretFor: async (id) => secrets[id],
  now: NOW,
  timestampWindowSeconds: 900,
};

/** what Node hands the server: lower-case header names, values decoded as latin1 */
function received(params: Record<string, string>, secret = SECRET, at = NOW): IncomingHttpHeaders {
  const map = new Map<string, string>([
    ['timestamp', javaSdkTimestamp(at)],
    ['systemid', '000.00.00.G22'],
    ['Content-Type', 'application/json'],
    ...Object.entries(params),
  ]);
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(signLikeJavaSdk(secret, map))) out[k.toLowerCase()] = v;
  return out;
}

async function refusal(headers: IncomingHttpHeaders, o: VxpAuthOptions = opts): Promise<HubError> {
  try {
    const auth = await authenticateVxp(headers, o);
    auth.require('docId');
  } catch (err) {
    assert.ok(err instanceof HubError, `expected a HubError, got ${err}`);
    return err;
  }
  assert.fail('expected a refusal');
}

describe('authenticateVxp', () => {
  test('accepts a request signed like the Java SDK and reads signed parameters case-insensitively', async () => {
    const auth = await authenticateVxp(received({ docId: 'abc', filePath: '/tmp/x', servicetype: 'eDoc' }), opts);
    assert.equal(auth.systemId, '000.00.00.G22');
    assert.equal(auth.require('docid'), 'abc');
    assert.equal(auth.require('DOCID'), 'abc');
    assert.equal(auth.param('serviceType'), 'eDoc');
    assert.equal(auth.param('messagetype'), undefined);
  });

  test('verifies the MAC over the exact UTF-8 bytes of a Vietnamese sign-header', async () => {
    const auth = await authenticateVxp(received({ docId: 'x', description: 'Đã tiếp nhận văn bản' }), opts);
    assert.equal(auth.param('description'), 'Đã tiếp nhận văn bản');
  });

  test('refuses a bad MAC', async () => {
    const h = received({ docId: 'abc' });
    h['xroadvnpt-hash-header'] = `${'0'.repeat(63)}1`;
    const err = await refusal(h);
    assert.equal(err.code, 'unauthenticated');
    assert.match(err.message, /XroadVnpt-hash-header does not match the HMAC-SHA256 .* "000\.00\.00\.G22"/);
  });

  test('refuses a MAC that is not hex', async () => {
    const h = received({ docId: 'abc' });
    h['xroadvnpt-hash-header'] = 'not-a-mac';
    assert.match((await refusal(h)).message, /not a 64-digit hex HMAC-SHA256/);
  });

  test('refuses a request signed with the wrong secret', async () => {
    const err = await refusal(received({ docId: 'abc' }, 'wrong-secret'));
    assert.match(err.message, /wrong secret, or the header was altered/);
  });

  test('refuses a tampered sign-header', async () => {
    const h = received({ docId: 'abc' });
    h['xroadvnpt-sign-header'] = String(h['xroadvnpt-sign-header']).replace('"abc"', '"abd"');
    h['xroadvnpt-docid'] = 'abd';
    assert.match((await refusal(h)).message, /does not match the HMAC-SHA256/);
  });

  test('refuses a plain header that differs from its signed value', async () => {
    const h = received({ docId: 'abc' });
    h['xroadvnpt-docid'] = 'someone-elses-doc';
    const err = await refusal(h);
    assert.equal(err.code, 'unauthenticated');
    assert.equal(err.message, 'header XroadVnpt-docId differs from its signed value');
  });

  test('ignores a parameter sent only as an unsigned header', async () => {
    const h = received({});
    h['xroadvnpt-docid'] = 'abc';
    const err = await refusal(h);
    assert.equal(err.message, 'missing parameter XroadVnpt-docId', 'the unsigned value is not used');
  });

  test("tolerates the SDK's own unsigned XroadVnpt-version beside a signed version parameter", async () => {
    const h = received({ version: '42' });
    h['xroadvnpt-version'] = '42, 3.0.201608';
    assert.equal((await authenticateVxp(h, opts)).param('version'), '42');
    const bare = received({});
    bare['xroadvnpt-version'] = '3.0.201608';
    assert.equal((await authenticateVxp(bare, opts)).param('version'), undefined);
  });

  test('a missing parameter is a bad request naming it', async () => {
    const err = await refusal(received({}));
    assert.equal(err.code, 'bad-request');
    assert.equal(err.message, 'missing parameter XroadVnpt-docId');
  });

  test('refuses missing signature headers', async () => {
    const h = received({ docId: 'abc' });
    delete h['xroadvnpt-hash-header'];
    assert.equal((await refusal(h)).message, 'missing header XroadVnpt-hash-header');
    delete h['xroadvnpt-sign-header'];
    assert.equal((await refusal(h)).message, 'missing header XroadVnpt-sign-header');
  });

  test('refuses a sign-header that is not a JSON object', async () => {
    const h = received({ docId: 'abc' });
    h['xroadvnpt-sign-header'] = '["x"]';
    assert.equal((await refusal(h)).message, 'XroadVnpt-sign-header is not a JSON object');
    h['xroadvnpt-sign-header'] = '{"x":';
    assert.equal((await refusal(h)).message, 'XroadVnpt-sign-header is not valid JSON');
  });

  test('refuses an unknown or disabled systemid', async () => {
    const err = await refusal(received({ docId: 'abc' }), { ...opts, secretFor: async () => undefined });
    assert.equal(err.code, 'unauthenticated');
    assert.equal(err.message, 'unknown or disabled systemid "000.00.00.G22"');
  });

  test('refuses a stale timestamp, and a future one, outside the window', async () => {
    const stale = await refusal(received({ docId: 'abc' }, SECRET, new Date(NOW.getTime() - 901_000)));
    assert.match(stale.message, /^timestamp \d{8}T\d{6}\+\d{4} is outside the 900 s window \(901 s behind/);
    const future = await refusal(received({ docId: 'abc' }, SECRET, new Date(NOW.getTime() + 3_600_000)));
    assert.match(future.message, /outside the 900 s window \(3600 s ahead of/);
  });

  test('accepts a timestamp inside the window, and any timestamp when the window is 0', async () => {
    await authenticateVxp(received({ docId: 'a' }, SECRET, new Date(NOW.getTime() - 899_000)), opts);
    await authenticateVxp(received({ docId: 'a' }, SECRET, new Date('2016-08-01T00:00:00Z')), {
      ...opts,
      timestampWindowSeconds: 0,
    });
  });

  test('refuses an unparseable timestamp', async () => {
    const map = new Map([
      ['timestamp', '2025-11-21 10:00'],
      ['systemid', '000.00.00.G22'],
    ]);
    const h: IncomingHttpHeaders = {};
    for (const [k, v] of Object.entries(signLikeJavaSdk(SECRET, map))) h[k.toLowerCase()] = v;
    assert.match((await refusal(h)).message, /timestamp "2025-11-21 10:00" is not in the form ddMMyyyy'T'HHmmss\+SSSS/);
  });
});
