// Replay: the VXP HMAC signs a timestamp but no nonce, so a captured request verifies again until the hub's
// clock has left the timestamp window. The hub's clock is injected and moved; nothing sleeps.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { httpCall } from '../../test-support/http-request.js';
import { startTestHub, type TestHub } from '../../test-support/start-test-hub.js';
import { javaSdkTimestamp, VxpTestClient } from '../../test-support/vxp-test-client.js';

const SYSTEM = '000.00.00.H41';
const WINDOW = 900;

describe('VXP replay window', () => {
  let t: TestHub;
  let offsetMs = 0;
  before(async () => {
    t = await startTestHub({ vxp: { timestampWindowSeconds: WINDOW } }, { now: () => new Date(Date.now() + offsetMs) });
  });
  after(async () => {
    await t.stop();
  });

  test('a captured request is accepted again inside the window and refused once the clock has moved past it', async () => {
    const signedAt = new Date();
    const client = new VxpTestClient(t.url, t.creds(SYSTEM), javaSdkTimestamp(signedAt));
    const original = await client.json('countReceiveEdoc');
    assert.equal(original.status, 'OK');
    const captured = { ...client.lastHeaders };
    const replay = () => httpCall(`${t.url}/countReceiveEdoc`, { method: 'POST', headers: captured, body: '{}' });

    offsetMs = (WINDOW - 60) * 1000;
    assert.equal((await replay()).json().status, 'OK', 'inside the window the HMAC alone cannot tell a replay');

    offsetMs = (WINDOW + 60) * 1000;
    const late = (await replay()).json();
    assert.equal(late.status, 'FAIL');
    assert.equal(late.ErrorCode, '401');
    assert.match(
      late.ErrorDesc,
      new RegExp(
        `^timestamp \\d{8}T\\d{6}\\+\\d{4} is outside the ${WINDOW} s window \\(9\\d\\d s behind the hub's clock`,
      ),
    );

    offsetMs = -(WINDOW + 60) * 1000;
    assert.match(
      (await replay()).json().ErrorDesc,
      /s ahead of the hub's clock/,
      'a request from the future is refused too',
    );

    offsetMs = 0;
    const signedNow = new VxpTestClient(t.url, t.creds(SYSTEM));
    assert.equal((await signedNow.json('countReceiveEdoc')).status, 'OK', 'a freshly signed request still passes');
    assert.ok(!t.logs().includes(captured['XroadVnpt-hash-header']!), 'the MAC never reaches the logs');
  });
});
