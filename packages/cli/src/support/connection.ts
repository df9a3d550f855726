import { existsSync } from 'node:fs';
import { type ClientTlsOptions, LienthongClient, VxpClient } from '@lienthong/client';
import { UsageError } from './cli-error.js';

/** Options every client command accepts (declared on the program, read with optsWithGlobals). */
export interface GlobalOptions {
  url?: string;
  apiKey?: string;
  systemId?: string;
  secret?: string;
  json?: boolean;
  via?: string;
  /** an https hub's CA, and a client certificate + key for mutual TLS (client commands) */
  ca?: string;
  cert?: string;
  key?: string;
  /** send --sign: then a --cert without --key is the signing certificate only */
  sign?: string;
}

export type Via = 'v1' | 'vxp';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

function hubUrl(o: GlobalOptions): string {
  const url = o.url ?? process.env['LIENTHONG_URL'] ?? DEFAULT_URL;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new UsageError(`--url "${url}" is not an http(s) URL`);
  }
  return url;
}

function apiKey(o: GlobalOptions): string | undefined {
  return o.apiKey ?? process.env['LIENTHONG_API_KEY'] ?? undefined;
}

function vxpCredentials(o: GlobalOptions): { systemId: string; secret: string } | undefined {
  const systemId = o.systemId ?? process.env['LIENTHONG_SYSTEM_ID'];
  const secret = o.secret ?? process.env['LIENTHONG_SECRET'];
  return systemId && secret ? { systemId, secret } : undefined;
}

/** `--ca`, `--cert`, `--key` (or LIENTHONG_CA, LIENTHONG_CLIENT_CERT, LIENTHONG_CLIENT_KEY). */
function clientTls(o: GlobalOptions): ClientTlsOptions | undefined {
  const ca = o.ca ?? nonEmpty(process.env['LIENTHONG_CA']);
  const cert = o.cert ?? nonEmpty(process.env['LIENTHONG_CLIENT_CERT']);
  const key = o.key ?? nonEmpty(process.env['LIENTHONG_CLIENT_KEY']);
  if (key && !cert) throw new UsageError('--key needs --cert: the client certificate it belongs to');
  if (cert && !key && !o.sign) throw new UsageError('--cert needs --key: the private key of the client certificate');
  const tls: ClientTlsOptions = { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
  for (const file of [tls.ca, tls.cert, tls.key]) {
    if (typeof file === 'string' && !existsSync(file)) throw new UsageError(`${file}: no such file`);
  }
  return Object.keys(tls).length > 0 ? tls : undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/**
 * The protocol a command uses: `--via` if given, else /v1 when an API key is configured, else VXP
 * when a system id and secret are, else /v1 authenticated by a client certificate alone.
 */
export function chooseVia(o: GlobalOptions, supportsVxp = true): Via {
  if (o.via !== undefined) {
    if (o.via !== 'v1' && o.via !== 'vxp') throw new UsageError(`--via must be v1 or vxp, not "${o.via}"`);
    if (o.via === 'vxp' && !supportsVxp) throw new UsageError('this command is only available through /v1 (--via v1)');
    return o.via;
  }
  if (apiKey(o) || !supportsVxp) return 'v1';
  if (vxpCredentials(o)) return 'vxp';
  if (clientTls(o)?.cert) return 'v1';
  throw new UsageError(
    'no credentials: give --api-key (or LIENTHONG_API_KEY) for /v1, --system-id and --secret (or LIENTHONG_SYSTEM_ID and LIENTHONG_SECRET) for VXP, or a client certificate (--cert and --key) for a hub with mutual TLS',
  );
}

export function v1Client(o: GlobalOptions): LienthongClient {
  const key = apiKey(o);
  const tls = clientTls(o);
  if (!key && !tls?.cert) {
    throw new UsageError(
      'no API key: give --api-key or set LIENTHONG_API_KEY (printed by `lienthong agency add`), or a client certificate (--cert and --key)',
    );
  }
  return new LienthongClient({
    url: hubUrl(o),
    ...(key ? { apiKey: key } : {}),
    ...(tls ? { tls } : {}),
    userAgent: 'lienthong-cli/0.1',
  });
}

export function vxpClient(o: GlobalOptions): { client: VxpClient; systemId: string } {
  const creds = vxpCredentials(o);
  const tls = clientTls(o);
  if (!creds && !tls?.cert) {
    throw new UsageError(
      'no VXP credentials: give --system-id and --secret (or LIENTHONG_SYSTEM_ID and LIENTHONG_SECRET), or a client certificate (--cert and --key)',
    );
  }
  const systemId = creds?.systemId ?? o.systemId ?? nonEmpty(process.env['LIENTHONG_SYSTEM_ID']);
  // A CLI process is short-lived, but a fresh timestamp per call costs nothing and never goes stale.
  const client = new VxpClient({
    endpoint: hubUrl(o),
    ...(systemId ? { systemId } : {}),
    ...(creds ? { secret: creds.secret } : {}),
    ...(tls ? { tls } : {}),
    refreshTimestamp: true,
  });
  return { client, systemId: client.systemId };
}
