import type { IncomingHttpHeaders } from 'node:http';
import { HubError } from '../../core/contract.js';
import { authenticateVxp, type VxpAuthOptions, type VxpRequestAuth } from '../vxp/vxp-auth.js';
import { checkTimestampWindow } from '../vxp/vxp-timestamp-window.js';
import type { CertifiedAgency } from './client-certificate-auth.js';

const PREFIX = 'xroadvnpt-';

/**
 * A VXP request on a connection with a valid client certificate. Without the SDK's HMAC headers the
 * certificate is the authentication and parameters are read from the plain `XroadVnpt-` headers; with
 * them the HMAC is still verified. Either way the system is the certificate's agency.
 */
export async function authenticateVxpWithCertificate(
  headers: IncomingHttpHeaders,
  agency: CertifiedAgency,
  opts: VxpAuthOptions,
): Promise<VxpRequestAuth> {
  const code = agency.agencyCode;
  if (headers[`${PREFIX}hash-header`] !== undefined || headers[`${PREFIX}sign-header`] !== undefined) {
    const signed = await authenticateVxp(headers, opts);
    if (signed.systemId !== code) throw mismatch(signed.systemId, code);
    return { ...signed, via: 'mtls' };
  }
  const auth: VxpRequestAuth = {
    systemId: code,
    via: 'mtls',
    param(name) {
      const value = plain(headers, PREFIX + name.toLowerCase());
      return value === '' ? undefined : value;
    },
    require(name) {
      const value = auth.param(name);
      if (value === undefined) throw new HubError('bad-request', `missing parameter XroadVnpt-${name}`, { path: name });
      return value;
    },
  };
  const systemId = auth.param('systemid');
  if (systemId !== undefined && systemId !== code) throw mismatch(systemId, code);
  const ts = auth.param('timestamp');
  if (ts !== undefined && opts.timestampWindowSeconds > 0)
    checkTimestampWindow(ts, opts.now, opts.timestampWindowSeconds);
  return auth;
}

function mismatch(systemId: string, code: string): HubError {
  return new HubError(
    'unauthenticated',
    `XroadVnpt-systemid "${systemId}" is not the agency of the client certificate (${code})`,
  );
}

/** Node reads header bytes as latin1; clients send UTF-8, so the bytes are decoded again. */
function plain(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  const joined = Array.isArray(v) ? v.join(', ') : v;
  return joined === undefined ? undefined : Buffer.from(joined, 'latin1').toString('utf8');
}
