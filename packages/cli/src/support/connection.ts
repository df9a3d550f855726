import { LienthongClient, VxpClient } from '@lienthong/client';
import { UsageError } from './cli-error.js';

/** Options every client command accepts (declared on the program, read with optsWithGlobals). */
export interface GlobalOptions {
  url?: string;
  apiKey?: string;
  systemId?: string;
  secret?: string;
  json?: boolean;
  via?: string;
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

/**
 * The protocol a command uses: `--via` if given, else /v1 when an API key is configured, else VXP
 * when a system id and secret are.
 */
export function chooseVia(o: GlobalOptions, supportsVxp = true): Via {
  if (o.via !== undefined) {
    if (o.via !== 'v1' && o.via !== 'vxp') throw new UsageError(`--via must be v1 or vxp, not "${o.via}"`);
    if (o.via === 'vxp' && !supportsVxp) throw new UsageError('this command is only available through /v1 (--via v1)');
    return o.via;
  }
  if (apiKey(o) || !supportsVxp) return 'v1';
  if (vxpCredentials(o)) return 'vxp';
  throw new UsageError(
    'no credentials: give --api-key (or LIENTHONG_API_KEY) for /v1, or --system-id and --secret (or LIENTHONG_SYSTEM_ID and LIENTHONG_SECRET) for VXP',
  );
}

export function v1Client(o: GlobalOptions): LienthongClient {
  const key = apiKey(o);
  if (!key)
    throw new UsageError('no API key: give --api-key or set LIENTHONG_API_KEY (printed by `lienthong agency add`)');
  return new LienthongClient({ url: hubUrl(o), apiKey: key, userAgent: 'lienthong-cli/0.1' });
}

export function vxpClient(o: GlobalOptions): { client: VxpClient; systemId: string } {
  const creds = vxpCredentials(o);
  if (!creds) {
    throw new UsageError(
      'no VXP credentials: give --system-id and --secret (or LIENTHONG_SYSTEM_ID and LIENTHONG_SECRET)',
    );
  }
  // A CLI process is short-lived, but a fresh timestamp per call costs nothing and never goes stale.
  const client = new VxpClient({ endpoint: hubUrl(o), ...creds, refreshTimestamp: true });
  return { client, systemId: creds.systemId };
}
