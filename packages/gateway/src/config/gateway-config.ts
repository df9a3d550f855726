// The gateway's configuration: a JSON file (or the same object in code), checked field by field with
// errors that name the field. Relative paths are read from the config file's directory. Secrets (API keys,
// the local token) come from files or the environment; they are never logged.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isWellFormedAgencyCode } from '@lienthong/edxml';

export type IncomingPolicy = 'deliver' | 'quarantine';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface TenantConfig {
  /** the agency code this tenant sends and receives as, e.g. `000.00.11.H53` */
  agency: string;
  /** the agency's /v1 API key at the hub (resolved from apiKey, apiKeyFile or apiKeyEnv) */
  apiKey: string;
  /** PEM private key the gateway signs outgoing packages with */
  signingKey: string;
  /** PEM certificate of that key (intermediates may follow it in the same file) */
  certificate: string;
  /** PEM files of the CA certificates incoming signatures are verified against */
  trustAnchors: string[];
  /** root of the watched folder: `outbox/`, `sent/`, `failed/`, `inbox/`, `statuses/`, `quarantine/` */
  folder?: string;
  /** what happens to an incoming package whose signature is not valid */
  incoming: IncomingPolicy;
}

export interface GatewayConfig {
  /** `ca`: PEM files of the CA(s) the hub's HTTPS certificate is checked against (default: Node's roots) */
  hub: { url: string; timeoutMs: number; ca?: string[] };
  listen: { host: string; port: number };
  dataDir: string;
  /** bearer token the local API asks for; absent: the API is open to whoever reaches the listen address */
  localToken?: string;
  limits: { maxBodyBytes: number };
  /** long-poll wait at the hub (s), outbox scan interval (ms) */
  poll: { waitSeconds: number; folderIntervalMs: number };
  /** back-off while the hub is unreachable or answers 5xx: doubles from base up to max */
  retry: { baseDelayMs: number; maxDelayMs: number };
  log: { level: LogLevel };
  tenants: TenantConfig[];
}

export class GatewayConfigError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'GatewayConfigError';
  }
}

export interface ParseConfigOptions {
  /** directory relative paths are resolved from (default: the working directory) */
  baseDir?: string;
  /** environment for `apiKeyEnv` / `localTokenEnv` (default process.env) */
  env?: Record<string, string | undefined>;
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const TOP_KEYS = [
  'hub',
  'listen',
  'dataDir',
  'localToken',
  'localTokenFile',
  'localTokenEnv',
  'limits',
  'poll',
  'retry',
  'log',
  'tenants',
];
const TENANT_KEYS = [
  'agency',
  'apiKey',
  'apiKeyFile',
  'apiKeyEnv',
  'signingKey',
  'certificate',
  'trustAnchors',
  'folder',
  'incoming',
];

/** Reads and checks a JSON configuration file. */
export function loadGatewayConfig(file: string, env: ParseConfigOptions['env'] = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new GatewayConfigError('', `cannot read the configuration file ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new GatewayConfigError('', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseGatewayConfig(raw, { baseDir: dirname(resolve(file)), env });
}

/** Checks a configuration object (as read from JSON) and fills in the defaults. */
export function parseGatewayConfig(raw: unknown, opts: ParseConfigOptions = {}): GatewayConfig {
  const baseDir = opts.baseDir ?? process.cwd();
  const env = opts.env ?? process.env;
  const top = object(raw, '');
  unknownKeys(top, TOP_KEYS, '');
  const path = (v: unknown, at: string) => resolve(baseDir, string(v, at));

  const hub = object(top['hub'], 'hub');
  unknownKeys(hub, ['url', 'timeoutMs', 'ca'], 'hub');
  const url = string(hub['url'], 'hub.url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GatewayConfigError('hub.url', `"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new GatewayConfigError('hub.url', `must be http:// or https://, not ${parsed.protocol}`);

  let ca: string[] | undefined;
  if (hub['ca'] !== undefined) {
    const list = typeof hub['ca'] === 'string' ? [hub['ca']] : hub['ca'];
    if (!Array.isArray(list) || list.length === 0)
      throw new GatewayConfigError('hub.ca', 'must be a PEM file path or a non-empty array of them');
    ca = list.map((c, i) => path(c, Array.isArray(hub['ca']) ? `hub.ca[${i}]` : 'hub.ca'));
  }
  const listen = optionalObject(top['listen'], 'listen');
  unknownKeys(listen, ['host', 'port'], 'listen');
  const limits = optionalObject(top['limits'], 'limits');
  unknownKeys(limits, ['maxBodyBytes'], 'limits');
  const poll = optionalObject(top['poll'], 'poll');
  unknownKeys(poll, ['waitSeconds', 'folderIntervalMs'], 'poll');
  const retry = optionalObject(top['retry'], 'retry');
  unknownKeys(retry, ['baseDelayMs', 'maxDelayMs'], 'retry');
  const log = optionalObject(top['log'], 'log');
  unknownKeys(log, ['level'], 'log');
  const level = log['level'] === undefined ? 'info' : string(log['level'], 'log.level');
  if (!LOG_LEVELS.includes(level as LogLevel))
    throw new GatewayConfigError('log.level', `"${level}" is not one of ${LOG_LEVELS.join(', ')}`);

  const localToken = secret(top, 'localToken', '', { baseDir, env, required: false });
  if (localToken !== undefined && localToken.length < 16)
    throw new GatewayConfigError('localToken', 'must be at least 16 characters');

  if (!Array.isArray(top['tenants'])) throw new GatewayConfigError('tenants', 'must be an array of tenants');
  if (top['tenants'].length === 0) throw new GatewayConfigError('tenants', 'needs at least one tenant');
  const tenants = top['tenants'].map((t, i) => tenant(t, `tenants[${i}]`, path, { baseDir, env }));
  const seen = new Set<string>();
  for (const [i, t] of tenants.entries()) {
    if (seen.has(t.agency)) throw new GatewayConfigError(`tenants[${i}].agency`, `${t.agency} is configured twice`);
    seen.add(t.agency);
  }
  const retryBase = integer(retry['baseDelayMs'], 'retry.baseDelayMs', 500, 1, 3_600_000);
  const config: GatewayConfig = {
    hub: {
      url,
      timeoutMs: integer(hub['timeoutMs'], 'hub.timeoutMs', 120_000, 1000, 3_600_000),
      ...(ca ? { ca } : {}),
    },
    listen: {
      host: listen['host'] === undefined ? '127.0.0.1' : string(listen['host'], 'listen.host'),
      port: integer(listen['port'], 'listen.port', 8090, 0, 65535),
    },
    dataDir: path(top['dataDir'], 'dataDir'),
    limits: { maxBodyBytes: integer(limits['maxBodyBytes'], 'limits.maxBodyBytes', 200 * 1024 * 1024, 1024, 2 ** 40) },
    poll: {
      waitSeconds: integer(poll['waitSeconds'], 'poll.waitSeconds', 25, 1, 600),
      folderIntervalMs: integer(poll['folderIntervalMs'], 'poll.folderIntervalMs', 1000, 10, 3_600_000),
    },
    retry: {
      baseDelayMs: retryBase,
      maxDelayMs: integer(retry['maxDelayMs'], 'retry.maxDelayMs', 60_000, retryBase, 24 * 3_600_000),
    },
    log: { level: level as LogLevel },
    tenants,
    ...(localToken !== undefined ? { localToken } : {}),
  };
  const folders = tenants.flatMap((t) => (t.folder ? [t.folder] : []));
  for (const [i, f] of folders.entries())
    if (folders.indexOf(f) !== i) throw new GatewayConfigError('tenants', `two tenants share the folder ${f}`);
  return config;
}

function tenant(
  raw: unknown,
  at: string,
  path: (v: unknown, at: string) => string,
  ctx: { baseDir: string; env: Record<string, string | undefined> },
): TenantConfig {
  const t = object(raw, at);
  unknownKeys(t, TENANT_KEYS, at);
  const agency = string(t['agency'], `${at}.agency`);
  if (!isWellFormedAgencyCode(agency))
    throw new GatewayConfigError(`${at}.agency`, `"${agency}" is not an agency code (e.g. 000.00.11.H53)`);
  const apiKey = secret(t, 'apiKey', at, { ...ctx, required: true })!;
  if (!Array.isArray(t['trustAnchors']) || t['trustAnchors'].length === 0)
    throw new GatewayConfigError(`${at}.trustAnchors`, 'must be a non-empty array of PEM file paths');
  const incoming = t['incoming'] === undefined ? 'deliver' : string(t['incoming'], `${at}.incoming`);
  if (incoming !== 'deliver' && incoming !== 'quarantine')
    throw new GatewayConfigError(`${at}.incoming`, `"${incoming}" is not deliver or quarantine`);
  return {
    agency,
    apiKey,
    signingKey: path(t['signingKey'], `${at}.signingKey`),
    certificate: path(t['certificate'], `${at}.certificate`),
    trustAnchors: t['trustAnchors'].map((a, i) => path(a, `${at}.trustAnchors[${i}]`)),
    incoming,
    ...(t['folder'] !== undefined ? { folder: path(t['folder'], `${at}.folder`) } : {}),
  };
}

/** A secret given as `<name>` (literal), `<name>File` (a file holding it) or `<name>Env` (an environment variable). */
function secret(
  o: Record<string, unknown>,
  name: string,
  at: string,
  ctx: { baseDir: string; env: Record<string, string | undefined>; required: boolean },
): string | undefined {
  const field = (suffix: string) => (at ? `${at}.${name}${suffix}` : `${name}${suffix}`);
  const given = ['', 'File', 'Env'].filter((s) => o[`${name}${s}`] !== undefined);
  if (given.length > 1)
    throw new GatewayConfigError(field(''), `give one of ${name}, ${name}File, ${name}Env, not ${given.length}`);
  const which = given[0];
  if (which === undefined) {
    if (ctx.required) throw new GatewayConfigError(field(''), `required: give ${name}, ${name}File or ${name}Env`);
    return undefined;
  }
  let value: string;
  if (which === '') value = string(o[name], field(''));
  else if (which === 'File') {
    const file = string(o[`${name}File`], field('File'));
    const full = isAbsolute(file) ? file : resolve(ctx.baseDir, file);
    try {
      value = readFileSync(full, 'utf8').trim();
    } catch (e) {
      throw new GatewayConfigError(
        field('File'),
        `cannot read ${full}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  } else {
    const variable = string(o[`${name}Env`], field('Env'));
    const v = ctx.env[variable];
    if (v === undefined || v.trim() === '')
      throw new GatewayConfigError(field('Env'), `the environment variable ${variable} is not set`);
    value = v.trim();
  }
  if (value === '') throw new GatewayConfigError(field(which), 'is empty');
  return value;
}

function object(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new GatewayConfigError(at, at ? 'must be an object' : 'the configuration must be a JSON object');
  return v as Record<string, unknown>;
}

function optionalObject(v: unknown, at: string): Record<string, unknown> {
  return v === undefined ? {} : object(v, at);
}

function string(v: unknown, at: string): string {
  if (v === undefined) throw new GatewayConfigError(at, 'required');
  if (typeof v !== 'string' || v.trim() === '') throw new GatewayConfigError(at, 'must be a non-empty string');
  return v;
}

function integer(v: unknown, at: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new GatewayConfigError(at, 'must be an integer');
  if (v < min || v > max) throw new GatewayConfigError(at, `must be between ${min} and ${max}, not ${v}`);
  return v;
}

function unknownKeys(o: Record<string, unknown>, known: readonly string[], at: string): void {
  for (const k of Object.keys(o))
    if (!known.includes(k))
      throw new GatewayConfigError(at ? `${at}.${k}` : k, `unknown setting (known: ${known.join(', ')})`);
}
