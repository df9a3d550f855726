// Console sign-in over real HTTP: demo accounts, session cookie flags, CSRF, roles, lock-out, sign-out,
// and the audit trail of all of it.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { httpCall } from '../../test-support/http-request.js';
import { startTestHub, type TestHub } from '../../test-support/start-test-hub.js';
import { SIGN_IN_FAILED } from './console-accounts.js';

describe('console sign-in', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({ console: { lockoutThreshold: 3 } as never });
  });
  after(() => hub.stop());

  const account = (username: string) => {
    const a = hub.demo.console?.find((x) => x.username === username);
    if (!a) throw new Error(`no demo console account ${username}`);
    return a;
  };
  const signIn = (username: string, password: string) =>
    httpCall(`${hub.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  const cookieOf = (set: string | string[] | undefined) => String([set].flat()[0]).split(';')[0]!;

  test('demo accounts: operators, auditor, a clerk per featured agency', () => {
    const roles = new Set(hub.demo.console!.map((a) => a.role));
    assert.deepEqual([...roles].sort(), ['auditor', 'clerk', 'national_operator', 'provincial_operator']);
    assert.ok(account('vanthu.000.00.11.h53').agencyCode === '000.00.11.H53');
  });

  test('sign in: HttpOnly SameSite=Strict cookie; GET session gives the CSRF token; non-GET needs it', async () => {
    const a = account('vanthu.000.00.11.h53');
    const r = await signIn(a.username, a.password);
    assert.equal(r.status, 200, r.text());
    const set = String(r.headers['set-cookie']);
    assert.match(set, /^lt_console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    assert.doesNotMatch(set, /Secure/, 'plain HTTP: no Secure flag');
    assert.equal(r.json().role, 'clerk');
    assert.equal(r.json().agencyName, 'Sở Tài chính tỉnh Tây Ninh');
    const cookie = cookieOf(r.headers['set-cookie']);
    const me = await httpCall(`${hub.url}/console/api/session`, { headers: { cookie } });
    assert.equal(me.status, 200);
    assert.equal(me.json().csrfToken, r.json().csrfToken);
    assert.equal(me.headers['cache-control'], 'no-store');

    const noCsrf = await httpCall(`${hub.url}/console/api/session`, { method: 'DELETE', headers: { cookie } });
    assert.equal(noCsrf.status, 403);
    assert.match(noCsrf.json().error.message, /X-CSRF-Token/);
    const wrongCsrf = await httpCall(`${hub.url}/console/api/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': 'x'.repeat(43) },
    });
    assert.equal(wrongCsrf.status, 403);
    const out = await httpCall(`${hub.url}/console/api/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': me.json().csrfToken },
    });
    assert.equal(out.status, 204);
    assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
    const gone = await httpCall(`${hub.url}/console/api/session`, { headers: { cookie } });
    assert.equal(gone.status, 401);
    const audit = await hub.hub.listAudit(0, 10_000);
    assert.ok(audit.some((e) => e.action === 'console-sign-in' && e.subject === a.username && e.outcome === 'ok'));
    assert.ok(audit.some((e) => e.action === 'console-sign-out' && e.subject === a.username));
  });

  test('no session: 401; unknown user and wrong password: the same 401 message', async () => {
    assert.equal((await httpCall(`${hub.url}/console/api/session`)).status, 401);
    const forged = await httpCall(`${hub.url}/console/api/session`, {
      headers: { cookie: `lt_console=${'A'.repeat(43)}` },
    });
    assert.equal(forged.status, 401);
    const unknown = await signIn('nobody.here', 'whatever-password');
    const wrong = await signIn('kiemtoan', 'wrong-password-1');
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    assert.equal(unknown.json().error.message, SIGN_IN_FAILED);
    assert.equal(wrong.json().error.message, SIGN_IN_FAILED);
    const missing = await httpCall(`${hub.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'kiemtoan' }),
    });
    assert.equal(missing.status, 400);
    assert.match(missing.json().error.path, /password/);
  });

  test('lock-out after repeated failures: even the right password is refused, and it is audited', async () => {
    const a = account('tinh.h53');
    for (let i = 0; i < 3; i++) assert.equal((await signIn(a.username, `bad-password-${i}`)).status, 401);
    const locked = await signIn(a.username, a.password);
    assert.equal(locked.status, 401);
    assert.equal(locked.json().error.message, SIGN_IN_FAILED);
    const audit = await hub.hub.listAudit(0, 10_000);
    assert.ok(audit.some((e) => e.action === 'console-lockout' && e.subject === a.username));
    assert.ok(audit.some((e) => e.action === 'console-sign-in' && e.reason === 'account locked'));
    assert.equal((await hub.hub.console.accounts.get(a.username))?.locked, true);
    // an administrator's new password unlocks it
    await hub.hub.console.accounts.setPassword(a.username, 'a-brand-new-password', 'admin');
    assert.equal((await signIn(a.username, 'a-brand-new-password')).status, 200);
  });

  test('the SPA: index.html at / and at deep links that ask for HTML; API paths stay JSON 404s', async () => {
    const root = await httpCall(`${hub.url}/`, { headers: { accept: 'text/html' } });
    assert.ok(root.status === 200 || root.status === 503, `status ${root.status}`);
    assert.match(String(root.headers['content-type']), /^text\/html/);
    const deep = await httpCall(`${hub.url}/van-ban-den`, { headers: { accept: 'text/html' } });
    assert.equal(deep.status, root.status);
    const api = await httpCall(`${hub.url}/v1/nothing-here`, { headers: { accept: 'text/html' } });
    assert.equal(api.status, 404);
    assert.equal(api.json().error.code, 'not-found');
    const traversal = await httpCall(`${hub.url}/assets/..%2f..%2fpackage.json`);
    assert.equal(traversal.status, 404);
  });

  test('accounts: a national operator creates and disables one (audited); a clerk may not; an auditor may list', async () => {
    const session = async (username: string, password = account(username).password) => {
      const r = await signIn(username, password);
      assert.equal(r.status, 200, r.text());
      return { cookie: cookieOf(r.headers['set-cookie']), csrf: r.json().csrfToken as string };
    };
    const op = await session('quantri');
    const call = (s: { cookie: string; csrf: string }, method: string, path: string, body?: unknown) =>
      httpCall(`${hub.url}/console/api${path}`, {
        method,
        headers: {
          cookie: s.cookie,
          'x-csrf-token': s.csrf,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const created = await call(op, 'POST', '/accounts', {
      username: 'vanthu.g22',
      password: 'mot-mat-khau-dai',
      role: 'clerk',
      agencyCode: '000.00.00.G22',
    });
    assert.equal(created.status, 201, created.text());
    assert.equal(created.json().passwordHash, undefined);
    const noAgency = await call(op, 'POST', '/accounts', {
      username: 'x.y',
      password: 'mot-mat-khau-dai',
      role: 'clerk',
    });
    assert.equal(noAgency.status, 400);
    assert.equal(noAgency.json().error.path, 'agencyCode');
    const taken = await call(op, 'POST', '/accounts', {
      username: 'vanthu.g22',
      password: 'mot-mat-khau-dai',
      role: 'auditor',
    });
    assert.equal(taken.status, 409);
    const newbie = await session('vanthu.g22', 'mot-mat-khau-dai');
    assert.equal((await call(newbie, 'GET', '/accounts')).status, 403);
    const disabled = await call(op, 'PATCH', '/accounts/vanthu.g22', { disabled: true });
    assert.equal(disabled.json().disabled, true);
    assert.equal((await call(newbie, 'GET', '/session')).status, 401, 'disabling ends its sessions');
    assert.equal((await signIn('vanthu.g22', 'mot-mat-khau-dai')).status, 401);
    const auditor = await session('kiemtoan');
    const list = await call(auditor, 'GET', '/accounts');
    assert.ok(list.json().items.some((a: { username: string }) => a.username === 'vanthu.g22'));
    assert.equal((await call(auditor, 'PATCH', '/accounts/vanthu.g22', { disabled: false })).status, 403);
    const audit = await hub.hub.listAudit(0, 100_000);
    for (const action of ['console-account-add', 'console-account-disable']) {
      assert.ok(audit.some((e) => e.action === action && e.subject === 'vanthu.g22' && e.actor === 'console:quantri'));
    }
  });
});

describe('console sign-in: lock-out per client address', () => {
  let hub: TestHub;
  before(async () => {
    // the per-account lock-out out of the way: only the address counts here
    hub = await startTestHub({ console: { lockoutThreshold: 1000, ipLockoutThreshold: 4 } as never });
  });
  after(() => hub.stop());

  const signIn = (username: string, password: string, localAddress?: string) =>
    httpCall(`${hub.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      ...(localAddress ? { localAddress } : {}),
    });

  test('failures across usernames from one address lock it: 429 with Retry-After, audited; others still sign in', async () => {
    const [a, b] = hub.demo.console!;
    assert.ok(a && b);
    // four failures from 127.0.0.1, over two real accounts and an unknown one
    for (const [user, i] of [
      [a.username, 1],
      [b.username, 2],
      ['nobody-here', 3],
      [a.username, 4],
    ] as const) {
      assert.equal((await signIn(user, `wrong-${i}`)).status, 401, `failure ${i}`);
    }
    // the address is locked: even the right password is refused before it is checked
    const refused = await signIn(b.username, b.password);
    assert.equal(refused.status, 429, refused.text());
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 15 * 60, `retry-after ${refused.headers['retry-after']}`);
    assert.equal(refused.json().error.code, 'too-many-attempts');
    assert.match(refused.json().error.message, /Quá nhiều lần đăng nhập không thành công/);
    assert.match(refused.json().error.message, /Too many failed sign-ins from this address/);
    // another client address is not locked (and neither is the account)
    const other = await signIn(b.username, b.password, '127.0.0.2');
    assert.equal(other.status, 200, other.text());

    const audit = await hub.hub.listAudit(0, 10_000);
    const lockout = audit.filter((e) => e.action === 'console-ip-lockout');
    assert.equal(lockout.length, 1);
    assert.equal(lockout[0]!.subject, '127.0.0.1');
    assert.ok(
      audit.some(
        (e) =>
          e.action === 'console-sign-in' &&
          e.outcome === 'refused' &&
          e.reason === 'address locked' &&
          e.subject === b.username,
      ),
    );
  });
});
