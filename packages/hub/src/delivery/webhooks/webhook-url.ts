// What a webhook URL may be: http(s), absolute, no credentials in it, bounded, and (when the operator
// says so, `webhooks.allowedHosts`) on an allowed host. Refusals name the field and the rule.

import { HubError } from '../../core/contract.js';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** The URL as it will be called (normalised by the WHATWG parser); throws HubError 'bad-request'. */
export function checkWebhookUrl(raw: string, allowedHosts: readonly string[]): string {
  const fail = (why: string): never => {
    throw new HubError('bad-request', `url: ${why}`, { path: '/body/url' });
  };
  if (raw.length === 0) fail('is empty');
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) fail(`is ${raw.length} characters long, at most ${MAX_WEBHOOK_URL_LENGTH}`);
  if (raw.trim() !== raw || /[\s\u0000-\u001f\u007f]/.test(raw)) fail('contains whitespace or control characters');
  if (!URL.canParse(raw)) fail(`${JSON.stringify(raw.slice(0, 100))} is not an absolute URL`);
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(`the scheme ${JSON.stringify(url.protocol.slice(0, -1))} is not allowed: use http or https`);
  }
  if (url.username !== '' || url.password !== '') {
    fail('must not carry credentials (user:password@): the hub signs each call, verify the signature instead');
  }
  if (url.hostname === '') fail('has no host');
  if (url.hash !== '') fail('must not have a fragment (#…)');
  const host = url.hostname.toLowerCase();
  if (allowedHosts.length > 0 && !allowedHosts.some((h) => hostMatches(host, h))) {
    fail(`the host ${JSON.stringify(host)} is not among the hosts this hub calls (webhooks.allowedHosts)`);
  }
  const normalised = url.toString();
  if (normalised.length > MAX_WEBHOOK_URL_LENGTH)
    fail(`is longer than ${MAX_WEBHOOK_URL_LENGTH} characters once normalised`);
  return normalised;
}

function hostMatches(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}
