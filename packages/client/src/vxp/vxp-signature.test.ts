import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { javaHashMapOrder } from './java-hash-order.js';
import { javaHex, signVxpHeaders, VXP_USER_AGENT, VXP_VERSION, vxpHashFile, vxpMac } from './vxp-signature.js';

const SECRET = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=';

test('the MAC is HMAC-SHA256 keyed with the secret over the exact sign-header string', () => {
  const signHeader = '{"XroadVnpt-docId":"abc","XroadVnpt-systemid":"000.00.00.G22"}';
  const expected = createHmac('sha256', Buffer.from(SECRET, 'utf8'))
    .update(Buffer.from(signHeader, 'utf8'))
    .digest('hex');
  assert.equal(vxpMac(SECRET, signHeader), expected);
  assert.match(vxpMac(SECRET, signHeader), /^[0-9a-f]{64}$/);
});

test('signed headers: prefixed, keys listed, sign-header JSON, MAC over it, SDK identity headers', () => {
  const params = {
    docId: '65f0c0ffee',
    status: 'done',
    systemid: '000.00.00.H41',
    timestamp: '15112023T051320+0007',
    'Content-Type': 'application/json',
  };
  const { headers, signHeader, signHeaderKey, mac } = signVxpHeaders(params, SECRET);
  // order as a JVM's HashMap iterates these keys (checked against java.util.HashMap)
  assert.equal(signHeaderKey, 'systemid;docId;status;timestamp;Content-Type');
  assert.equal(
    signHeader,
    '{"XroadVnpt-systemid":"000.00.00.H41","XroadVnpt-docId":"65f0c0ffee","XroadVnpt-status":"done",' +
      '"XroadVnpt-timestamp":"15112023T051320+0007","XroadVnpt-Content-Type":"application/json"}',
  );
  assert.equal(mac, createHmac('sha256', SECRET).update(signHeader).digest('hex'));
  assert.equal(headers['XroadVnpt-docId'], '65f0c0ffee');
  assert.equal(headers['XroadVnpt-systemid'], '000.00.00.H41');
  assert.equal(headers['XroadVnpt-Content-Type'], 'application/json');
  assert.equal(headers['Content-Type'], 'application/json');
  assert.equal(headers['XroadVnpt-sign-header-key'], signHeaderKey);
  assert.equal(headers['XroadVnpt-sign-header'], signHeader);
  assert.equal(headers['XroadVnpt-hash-header'], mac);
  assert.equal(headers['User-Agent'], VXP_USER_AGENT);
  assert.equal(headers['User-Agent'], 'JAVASDKAgent/1.0.0 XRoad/VPCP');
  assert.equal(headers['XroadVnpt-version'], VXP_VERSION);
  assert.equal(headers['XroadVnpt-version'], '3.0.201608');
});

test('insertion order is available instead of the Java HashMap order', () => {
  const { signHeaderKey } = signVxpHeaders({ b: '1', a: '2' }, SECRET, 'insertion');
  assert.equal(signHeaderKey, 'b;a');
});

test('non-ASCII values: the sign-header stays 7-bit JSON, the header carries UTF-8 bytes', () => {
  const { headers, signHeader } = signVxpHeaders({ description: 'Đã nhận' }, SECRET, 'insertion');
  assert.equal(signHeader, '{"XroadVnpt-description":"\\u0110\\u00e3 nh\\u1eadn"}');
  assert.deepEqual(JSON.parse(signHeader), { 'XroadVnpt-description': 'Đã nhận' });
  assert.equal(Buffer.from(headers['XroadVnpt-description']!, 'latin1').toString('utf8'), 'Đã nhận');
});

test('Java HashMap iteration order, including after a resize (vectors from a JVM)', () => {
  assert.deepEqual(
    javaHashMapOrder([
      'from',
      'servicetype',
      'messagetype',
      'to',
      'hash-file',
      'systemid',
      'timestamp',
      'Content-Type',
    ]),
    ['servicetype', 'systemid', 'messagetype', 'hash-file', 'from', 'to', 'timestamp', 'Content-Type'],
  );
  const fifteen =
    'servicetype messagetype from fromDate toDate status pageSize pageIndex docId description AgencyCode level systemid timestamp Content-Type';
  assert.equal(
    javaHashMapOrder(fifteen.split(' ')).join(';'),
    'systemid;messagetype;level;docId;toDate;pageSize;description;fromDate;servicetype;pageIndex;AgencyCode;from;status;timestamp;Content-Type',
  );
});

test("hash-file: Java hex drops each byte's leading zero", () => {
  assert.equal(javaHex(Uint8Array.of(0x0a)), 'a');
  assert.equal(javaHex(Uint8Array.of(0x00, 0x0f, 0x10, 0xff)), '0f10ff');
});

test('hash-file is computed by streaming a path, a stream or bytes (vector from a JVM)', async () => {
  const content = Buffer.from('hello\n');
  const javaValue = '5891b5b522d5df86dff0b110fbd9d21bb4fc7163af34d08286a2e846f6be3';
  const full = createHash('sha256').update(content).digest();
  assert.equal(javaValue, [...full].map((b) => b.toString(16)).join(''));
  assert.notEqual(javaValue, full.toString('hex'));
  const dir = await mkdtemp(join(tmpdir(), 'vxp-hash-'));
  try {
    const file = join(dir, 'p.edxml');
    await writeFile(file, content);
    assert.equal(await vxpHashFile(file), javaValue);
    assert.equal(await vxpHashFile(Readable.from([content.subarray(0, 2), content.subarray(2)])), javaValue);
    assert.equal(await vxpHashFile(content), javaValue);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
