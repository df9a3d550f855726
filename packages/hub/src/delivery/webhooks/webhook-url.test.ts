import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HubError } from '../../core/contract.js';
import { checkWebhookUrl } from './webhook-url.js';

const refused = (url: string, message: RegExp, hosts: string[] = []) =>
  assert.throws(
    () => checkWebhookUrl(url, hosts),
    (e: unknown) =>
      e instanceof HubError && e.code === 'bad-request' && e.path === '/body/url' && message.test(e.message),
  );

test('http(s), absolute, no credentials, no fragment, bounded', () => {
  assert.equal(
    checkWebhookUrl('HTTPS://QLVB.Example.gov.vn:8443/hook?x=1', []),
    'https://qlvb.example.gov.vn:8443/hook?x=1',
  );
  refused('ftp://x.gov.vn/', /the scheme "ftp" is not allowed/);
  refused('file:///etc/passwd', /the scheme "file" is not allowed/);
  refused('https://a:b@x.gov.vn/', /must not carry credentials/);
  refused('https://a@x.gov.vn/', /must not carry credentials/);
  refused('https://x.gov.vn/#f', /must not have a fragment/);
  refused('x.gov.vn/hook', /is not an absolute URL/);
  refused(' https://x.gov.vn/', /whitespace or control characters/);
  refused('', /is empty/);
  refused(`https://x.gov.vn/${'a'.repeat(2048)}`, /at most 2048/);
});

test('webhooks.allowedHosts: exact names and *.suffix', () => {
  const hosts = ['hub.tayninh.gov.vn', '*.gov.vn'];
  assert.ok(checkWebhookUrl('https://hub.tayninh.gov.vn/h', hosts));
  assert.ok(checkWebhookUrl('https://a.b.gov.vn/h', hosts));
  refused('https://gov.vn/h', /"gov.vn" is not among the hosts/, hosts);
  refused('https://evilgov.vn/h', /"evilgov.vn" is not among the hosts/, hosts);
  refused('https://127.0.0.1/h', /"127.0.0.1" is not among the hosts/, hosts);
});
