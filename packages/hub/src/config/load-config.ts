import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import type { FederationPeer, HubConfig } from './hub-config.js';

export type ConfigOverrides = {
  [K in keyof HubConfig]?: HubConfig[K] extends object ? Partial<HubConfig[K]> : HubConfig[K];
};

export interface LoadConfigOptions {
  /** JSON config file; default: `LIENTHONG_CONFIG` from env */
  configFile?: string;
  /** default: process.env */
  env?: Record<string, string | undefined>;
  /** command-line flags and programmatic settings: win over everything */
  overrides?: ConfigOverrides;
  /** base for relative paths (default: process.cwd()) */
  cwd?: string;
}

type Kind =
  | 'string'
  | 'path'
  | 'paths'
  | 'list'
  | 'int'
  | 'size'
  | 'bool'
  | 'level'
  | 'url'
  | 'database-url'
  | 'enum'
  | 'peer'
  | 'peers';
interface KeySpec {
  path: string;
  env: string;
  /** further environment variables read when `env` is unset, in order (a platform's conventional name) */
  envAliases?: readonly string[];
  kind: Kind;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** a string that may be empty (set in a file or override; an empty environment variable is unset) */
  empty?: boolean;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const CONFIG_KEYS: readonly KeySpec[] = [
  { path: 'dataDir', env: 'LIENTHONG_DATA_DIR', kind: 'path' },
  { path: 'database', env: 'LIENTHONG_DATABASE_URL', envAliases: ['DATABASE_URL'], kind: 'database-url' },
  { path: 'databasePoolSize', env: 'LIENTHONG_DATABASE_POOL_SIZE', kind: 'int', min: 1, max: 1000 },
  { path: 'listen.host', env: 'LIENTHONG_HOST', kind: 'string' },
  { path: 'listen.port', env: 'LIENTHONG_PORT', kind: 'int', min: 0, max: 65535 },
  { path: 'hubId', env: 'LIENTHONG_HUB_ID', kind: 'string' },
  { path: 'demo', env: 'LIENTHONG_DEMO', kind: 'bool' },
  { path: 'limits.maxBodyBytes', env: 'LIENTHONG_MAX_BODY_BYTES', kind: 'size', min: 1 },
  { path: 'limits.maxPageSize', env: 'LIENTHONG_MAX_PAGE_SIZE', kind: 'int', min: 1, max: 100_000 },
  { path: 'vxp.timestampWindowSeconds', env: 'LIENTHONG_VXP_TIMESTAMP_WINDOW', kind: 'int', min: 0, max: 31_536_000 },
  { path: 'longPollMaxSeconds', env: 'LIENTHONG_LONG_POLL_MAX', kind: 'int', min: 0, max: 3600 },
  { path: 'log.level', env: 'LIENTHONG_LOG_LEVEL', kind: 'level' },
  { path: 'log.pretty', env: 'LIENTHONG_LOG_PRETTY', kind: 'bool' },
  { path: 'shutdownGraceSeconds', env: 'LIENTHONG_SHUTDOWN_GRACE', kind: 'int', min: 0, max: 3600 },
  { path: 'publicUrl', env: 'LIENTHONG_PUBLIC_URL', kind: 'url' },
  { path: 'intake.workers', env: 'LIENTHONG_INTAKE_WORKERS', kind: 'int', min: 0, max: 256 },
  { path: 'trust.devCa', env: 'LIENTHONG_DEV_CA', kind: 'bool' },
  { path: 'trust.anchors', env: 'LIENTHONG_TRUST_ANCHORS', kind: 'paths' },
  { path: 'trust.intermediates', env: 'LIENTHONG_TRUST_INTERMEDIATES', kind: 'paths' },
  { path: 'trust.crls', env: 'LIENTHONG_CRLS', kind: 'paths' },
  { path: 'trust.crlRefreshSeconds', env: 'LIENTHONG_CRL_REFRESH', kind: 'int', min: 10, max: 604_800 },
  { path: 'trust.staleCrl', env: 'LIENTHONG_STALE_CRL', kind: 'enum', values: ['indeterminate', 'accept'] },
  {
    path: 'trust.signaturePolicy',
    env: 'LIENTHONG_SIGNATURE_POLICY',
    kind: 'enum',
    values: ['off', 'report', 'require'],
  },
  { path: 'trust.hubCertificate', env: 'LIENTHONG_HUB_CERTIFICATE', kind: 'path' },
  { path: 'trust.hubKey', env: 'LIENTHONG_HUB_KEY', kind: 'path' },
  { path: 'trust.checkpointIntervalSeconds', env: 'LIENTHONG_CHECKPOINT_INTERVAL', kind: 'int', min: 1, max: 86_400 },
  { path: 'tls.cert', env: 'LIENTHONG_TLS_CERT', kind: 'path' },
  { path: 'tls.key', env: 'LIENTHONG_TLS_KEY', kind: 'path' },
  { path: 'tls.dev', env: 'LIENTHONG_TLS_DEV', kind: 'bool' },
  { path: 'tls.clientCa', env: 'LIENTHONG_TLS_CLIENT_CA', kind: 'paths' },
  { path: 'tls.requestClientCert', env: 'LIENTHONG_TLS_CLIENT_CERT', kind: 'bool' },
  { path: 'blobs.backend', env: 'LIENTHONG_BLOBS_BACKEND', kind: 'enum', values: ['fs', 's3'] },
  { path: 'blobs.s3.endpoint', env: 'LIENTHONG_S3_ENDPOINT', kind: 'url' },
  { path: 'blobs.s3.bucket', env: 'LIENTHONG_S3_BUCKET', kind: 'string' },
  { path: 'blobs.s3.region', env: 'LIENTHONG_S3_REGION', kind: 'string' },
  { path: 'blobs.s3.forcePathStyle', env: 'LIENTHONG_S3_FORCE_PATH_STYLE', kind: 'bool' },
  { path: 'blobs.s3.accessKeyId', env: 'LIENTHONG_S3_ACCESS_KEY_ID', kind: 'string' },
  { path: 'blobs.s3.secretAccessKey', env: 'LIENTHONG_S3_SECRET_ACCESS_KEY', kind: 'string' },
  { path: 'blobs.s3.prefix', env: 'LIENTHONG_S3_PREFIX', kind: 'string', empty: true },
  { path: 'blobs.s3.partSizeMiB', env: 'LIENTHONG_S3_PART_SIZE_MIB', kind: 'int', min: 5, max: 5120 },
  { path: 'webhooks.enabled', env: 'LIENTHONG_WEBHOOKS', kind: 'bool' },
  { path: 'webhooks.timeoutMs', env: 'LIENTHONG_WEBHOOK_TIMEOUT_MS', kind: 'int', min: 100, max: 300_000 },
  { path: 'webhooks.concurrency', env: 'LIENTHONG_WEBHOOK_CONCURRENCY', kind: 'int', min: 1, max: 1000 },
  { path: 'webhooks.initialDelayMs', env: 'LIENTHONG_WEBHOOK_INITIAL_DELAY_MS', kind: 'int', min: 10, max: 86_400_000 },
  { path: 'webhooks.maxDelayMs', env: 'LIENTHONG_WEBHOOK_MAX_DELAY_MS', kind: 'int', min: 10, max: 86_400_000 },
  { path: 'webhooks.horizonSeconds', env: 'LIENTHONG_WEBHOOK_HORIZON', kind: 'int', min: 1, max: 2_592_000 },
  { path: 'webhooks.pollIntervalMs', env: 'LIENTHONG_WEBHOOK_POLL_MS', kind: 'int', min: 10, max: 60_000 },
  { path: 'webhooks.allowedHosts', env: 'LIENTHONG_WEBHOOK_ALLOWED_HOSTS', kind: 'list' },
  // federation: parent and children are objects {hubId, url, certificate} (JSON in the environment)
  { path: 'federation.parent', env: 'LIENTHONG_FEDERATION_PARENT', kind: 'peer' },
  { path: 'federation.children', env: 'LIENTHONG_FEDERATION_CHILDREN', kind: 'peers' },
  { path: 'federation.linkKey', env: 'LIENTHONG_FEDERATION_LINK_KEY', kind: 'path' },
  {
    path: 'federation.syncIntervalSeconds',
    env: 'LIENTHONG_FEDERATION_SYNC_INTERVAL',
    kind: 'int',
    min: 1,
    max: 86_400,
  },
  { path: 'federation.retryBaseMs', env: 'LIENTHONG_FEDERATION_RETRY_BASE_MS', kind: 'int', min: 10, max: 3_600_000 },
  { path: 'federation.retryMaxMs', env: 'LIENTHONG_FEDERATION_RETRY_MAX_MS', kind: 'int', min: 10, max: 86_400_000 },
  { path: 'federation.clockSkewSeconds', env: 'LIENTHONG_FEDERATION_CLOCK_SKEW', kind: 'int', min: 1, max: 86_400 },
  { path: 'ops.ackDeadlineHours', env: 'LIENTHONG_ACK_DEADLINE_HOURS', kind: 'int', min: 1, max: 8760 },
  { path: 'ops.statsIntervalMs', env: 'LIENTHONG_STATS_INTERVAL_MS', kind: 'int', min: 50, max: 60_000 },
  { path: 'console.enabled', env: 'LIENTHONG_CONSOLE', kind: 'bool' },
  { path: 'console.dir', env: 'LIENTHONG_CONSOLE_DIR', kind: 'path' },
  { path: 'console.lockoutThreshold', env: 'LIENTHONG_CONSOLE_LOCKOUT_THRESHOLD', kind: 'int', min: 1, max: 1000 },
  { path: 'console.lockoutMinutes', env: 'LIENTHONG_CONSOLE_LOCKOUT_MINUTES', kind: 'int', min: 1, max: 10_080 },
  {
    path: 'console.ipLockoutThreshold',
    env: 'LIENTHONG_CONSOLE_IP_LOCKOUT_THRESHOLD',
    kind: 'int',
    min: 1,
    max: 100_000,
  },
  {
    path: 'console.ipLockoutWindowMinutes',
    env: 'LIENTHONG_CONSOLE_IP_LOCKOUT_WINDOW',
    kind: 'int',
    min: 1,
    max: 10_080,
  },
  { path: 'console.sessionIdleMinutes', env: 'LIENTHONG_CONSOLE_SESSION_IDLE', kind: 'int', min: 1, max: 10_080 },
  { path: 'console.sessionMaxHours', env: 'LIENTHONG_CONSOLE_SESSION_MAX', kind: 'int', min: 1, max: 720 },
  { path: 'console.maxUploadBytes', env: 'LIENTHONG_CONSOLE_MAX_UPLOAD', kind: 'size', min: 1 },
];

const DEFAULTS: HubConfig = {
  dataDir: './.lienthong',
  databasePoolSize: 10,
  listen: { host: '127.0.0.1', port: 8080 },
  hubId: 'lienthong.hub',
  demo: false,
  limits: { maxBodyBytes: 200 * 1024 * 1024, maxPageSize: 1000 },
  vxp: { timestampWindowSeconds: 900 },
  longPollMaxSeconds: 60,
  log: { level: 'info', pretty: false },
  shutdownGraceSeconds: 10,
  intake: { workers: defaultIntakeWorkers() },
  trust: {
    devCa: true,
    anchors: [],
    intermediates: [],
    crls: [],
    crlRefreshSeconds: 3600,
    staleCrl: 'indeterminate',
    signaturePolicy: 'report',
    checkpointIntervalSeconds: 300,
  },
  tls: { dev: false, clientCa: [], requestClientCert: false },
  blobs: { backend: 'fs', s3: { region: 'us-east-1', forcePathStyle: true, prefix: '', partSizeMiB: 8 } },
  webhooks: {
    enabled: true,
    timeoutMs: 10_000,
    concurrency: 8,
    initialDelayMs: 5_000,
    maxDelayMs: 3_600_000,
    horizonSeconds: 86_400,
    pollIntervalMs: 1_000,
    allowedHosts: [],
  },
  federation: { children: [], syncIntervalSeconds: 30, retryBaseMs: 1000, retryMaxMs: 60_000, clockSkewSeconds: 300 },
  ops: { ackDeadlineHours: 24, statsIntervalMs: 500 },
  console: {
    enabled: true,
    lockoutThreshold: 5,
    lockoutMinutes: 15,
    ipLockoutThreshold: 20,
    ipLockoutWindowMinutes: 15,
    sessionIdleMinutes: 30,
    sessionMaxHours: 12,
    maxUploadBytes: 50 * 1024 * 1024,
  },
};

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** Builds the effective configuration: defaults < JSON file < environment < overrides. Throws ConfigError. */
export function loadConfig(opts: LoadConfigOptions = {}): HubConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const config: HubConfig = structuredClone(DEFAULTS);
  const file = opts.configFile ?? nonEmpty(env['LIENTHONG_CONFIG']);
  if (file) applyFile(config, resolve(cwd, file));
  for (const spec of CONFIG_KEYS) {
    const name = [spec.env, ...(spec.envAliases ?? [])].find((n) => nonEmpty(env[n]) !== undefined);
    if (name === undefined) continue;
    setPath(config, spec.path, coerce(spec, env[name], `environment variable ${name}`));
  }
  if (opts.overrides) applyObject(config, opts.overrides as Record<string, unknown>, 'command line');
  config.dataDir = resolve(cwd, config.dataDir);
  const trust = config.trust;
  for (const key of ['anchors', 'intermediates'] as const) trust[key] = trust[key].map((f) => resolve(cwd, f));
  trust.crls = trust.crls.map((c) => (/^https?:\/\//.test(c) ? c : resolve(cwd, c)));
  if (trust.hubCertificate) trust.hubCertificate = resolve(cwd, trust.hubCertificate);
  if (trust.hubKey) trust.hubKey = resolve(cwd, trust.hubKey);
  if (Boolean(trust.hubCertificate) !== Boolean(trust.hubKey)) {
    throw new ConfigError('trust.hubKey', 'trust.hubCertificate and trust.hubKey go together: set both or neither');
  }
  const tls = config.tls;
  if (tls.cert) tls.cert = resolve(cwd, tls.cert);
  if (tls.key) tls.key = resolve(cwd, tls.key);
  tls.clientCa = tls.clientCa.map((f) => resolve(cwd, f));
  if (Boolean(tls.cert) !== Boolean(tls.key)) {
    throw new ConfigError('tls.key', 'tls.cert and tls.key go together: set both or neither');
  }
  if (tls.dev && tls.cert) {
    throw new ConfigError(
      'tls.dev',
      "tls.dev serves the hub's own certificate: do not set tls.cert and tls.key with it",
    );
  }
  if (tls.requestClientCert && !tls.dev && !tls.cert) {
    throw new ConfigError(
      'tls.requestClientCert',
      'tls.requestClientCert needs HTTPS (mutual TLS): set tls.cert and tls.key, or tls.dev',
    );
  }
  checkBlobs(config.blobs);
  if (config.webhooks.maxDelayMs < config.webhooks.initialDelayMs) {
    throw new ConfigError('webhooks.maxDelayMs', 'webhooks.maxDelayMs must not be below webhooks.initialDelayMs');
  }
  config.webhooks.allowedHosts = config.webhooks.allowedHosts.map((h) => h.toLowerCase());
  checkFederation(config, cwd);
  if (!trust.devCa && trust.anchors.length === 0 && trust.signaturePolicy !== 'off') {
    throw new ConfigError(
      'trust.anchors',
      'no trust anchors: set trust.anchors, or trust.devCa=true, or trust.signaturePolicy=off',
    );
  }
  return config;
}

function peer(path: string, index: number, value: unknown, source: string): FederationPeer {
  const where = index >= 0 ? `${path}[${index}]` : path;
  if (!isPlainObject(value))
    throw new ConfigError(path, `${where} (from ${source}): must be {hubId, url, certificate}`);
  for (const key of Object.keys(value)) {
    if (!['hubId', 'url', 'certificate'].includes(key)) {
      throw new ConfigError(path, `${where} (from ${source}): unknown key "${key}" (hubId, url, certificate)`);
    }
  }
  const { hubId, url, certificate } = value as Record<string, unknown>;
  if (typeof hubId !== 'string' || !/^[\w.:-]{1,100}$/.test(hubId)) {
    throw new ConfigError(path, `${where}.hubId (from ${source}): must be a hub id (letters, digits, . _ : -)`);
  }
  if (typeof url !== 'string' || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new ConfigError(path, `${where}.url (from ${source}): must be an http(s) URL`);
  }
  if (typeof certificate !== 'string' || certificate.trim() === '') {
    throw new ConfigError(path, `${where}.certificate (from ${source}): must be the path of the peer's link key PEM`);
  }
  return { hubId, url: url.replace(/\/+$/, ''), certificate: certificate.trim() };
}

function checkFederation(config: HubConfig, cwd: string): void {
  const f = config.federation;
  if (f.linkKey) f.linkKey = resolve(cwd, f.linkKey);
  const peers = [...(f.parent ? [f.parent] : []), ...f.children];
  const seen = new Set<string>();
  for (const p of peers) {
    p.certificate = resolve(cwd, p.certificate);
    if (p.hubId === config.hubId) {
      throw new ConfigError('federation', `federation: a linked hub has this hub's own id ${p.hubId}`);
    }
    if (seen.has(p.hubId)) throw new ConfigError('federation', `federation: hub ${p.hubId} is linked twice`);
    seen.add(p.hubId);
  }
  if (f.retryMaxMs < f.retryBaseMs) {
    throw new ConfigError('federation.retryMaxMs', 'federation.retryMaxMs must not be below federation.retryBaseMs');
  }
}

// S3's bucket naming rules (what MinIO and Ceph RGW accept too)
const BUCKET = /^(?!xn--|sthree-|\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function checkBlobs(blobs: HubConfig['blobs']): void {
  const s3 = blobs.s3;
  if (Boolean(s3.accessKeyId) !== Boolean(s3.secretAccessKey)) {
    throw new ConfigError(
      s3.accessKeyId ? 'blobs.s3.secretAccessKey' : 'blobs.s3.accessKeyId',
      'blobs.s3.accessKeyId and blobs.s3.secretAccessKey go together: set both, or neither to use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile or an instance role',
    );
  }
  if (s3.prefix.startsWith('/')) {
    throw new ConfigError('blobs.s3.prefix', `blobs.s3.prefix: ${JSON.stringify(s3.prefix)} must not start with "/"`);
  }
  if (blobs.backend !== 's3') return;
  if (!s3.bucket) {
    throw new ConfigError('blobs.s3.bucket', 'blobs.backend is s3: set blobs.s3.bucket (LIENTHONG_S3_BUCKET)');
  }
  if (!BUCKET.test(s3.bucket) || s3.bucket.includes('..')) {
    throw new ConfigError(
      'blobs.s3.bucket',
      `blobs.s3.bucket: ${JSON.stringify(s3.bucket)} is not a valid bucket name (3-63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)`,
    );
  }
}

function applyFile(config: HubConfig, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('config', `config file ${file}: cannot read it (${(err as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('config', `config file ${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!isPlainObject(parsed)) throw new ConfigError('config', `config file ${file}: must hold a JSON object`);
  applyObject(config, parsed, `config file ${file}`);
}

function applyObject(config: HubConfig, obj: Record<string, unknown>, source: string, prefix = ''): void {
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    const path = prefix + key;
    const spec = CONFIG_KEYS.find((s) => s.path === path);
    if (spec) {
      setPath(config, path, coerce(spec, value, source));
    } else if (isPlainObject(value) && CONFIG_KEYS.some((s) => s.path.startsWith(`${path}.`))) {
      applyObject(config, value, source, `${path}.`);
    } else {
      throw new ConfigError(path, `${source}: unknown configuration key "${path}"`);
    }
  }
}

function coerce(spec: KeySpec, value: unknown, source: string): unknown {
  const fail = (what: string): never => {
    throw new ConfigError(spec.path, `${spec.path} (from ${source}): ${JSON.stringify(value)} ${what}`);
  };
  switch (spec.kind) {
    case 'string':
    case 'path': {
      if (spec.empty && typeof value === 'string' && value.trim() === '') return '';
      if (typeof value !== 'string' || value.trim() === '') fail('must be a non-empty string');
      return (value as string).trim();
    }
    case 'url': {
      if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
        fail('must be an http(s) URL');
      }
      return (value as string).replace(/\/+$/, '');
    }
    case 'paths':
    case 'list': {
      const list = typeof value === 'string' ? value.split(',') : value;
      if (!Array.isArray(list) || list.some((v) => typeof v !== 'string'))
        fail(`must be a list of ${spec.kind === 'paths' ? 'paths' : 'names'} (comma-separated in the environment)`);
      return (list as string[]).map((v) => v.trim()).filter((v) => v !== '');
    }
    case 'database-url': {
      // the value may hold a password: never echo it in the error
      if (
        typeof value !== 'string' ||
        !URL.canParse(value.trim()) ||
        !/^postgres(ql)?:$/.test(new URL(value.trim()).protocol)
      ) {
        throw new ConfigError(
          spec.path,
          `${spec.path} (from ${source}) must be a PostgreSQL URL (postgres://user:password@host:5432/database); leave it unset for the embedded SQLite store`,
        );
      }
      return (value as string).trim();
    }
    case 'enum': {
      const values = spec.values ?? [];
      if (typeof value !== 'string' || !values.includes(value.trim())) fail(`must be one of ${values.join(', ')}`);
      return (value as string).trim();
    }
    case 'level': {
      if (typeof value !== 'string' || !LEVELS.includes(value.toLowerCase()))
        fail(`must be one of ${LEVELS.join(', ')}`);
      return (value as string).toLowerCase();
    }
    case 'bool': {
      if (typeof value === 'boolean') return value;
      const s = String(value).trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      return fail('must be true or false');
    }
    case 'peer':
    case 'peers': {
      let v = value;
      if (typeof v === 'string') {
        try {
          v = JSON.parse(v);
        } catch {
          fail('must be JSON');
        }
      }
      const list = spec.kind === 'peers' ? v : [v];
      if (!Array.isArray(list)) return fail('must be a list of {hubId, url, certificate}');
      return spec.kind === 'peers' ? list.map((p, i) => peer(spec.path, i, p, source)) : peer(spec.path, -1, v, source);
    }
    case 'int':
    case 'size': {
      const n = spec.kind === 'size' ? parseSize(value) : parseInteger(value);
      const range = `an integer${spec.kind === 'size' ? ' (bytes, or with a unit: 10MiB, 1GB)' : ''} between ${spec.min ?? 0} and ${spec.max ?? Number.MAX_SAFE_INTEGER}`;
      if (n === undefined || n < (spec.min ?? 0) || n > (spec.max ?? Number.MAX_SAFE_INTEGER)) fail(`is not ${range}`);
      return n;
    }
  }
}

function parseInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*\d+\s*$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return parseInteger(value);
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const factor = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || factor === undefined) return undefined;
  const n = Math.round(Number(m[1]) * factor);
  return Number.isSafeInteger(n) ? n : undefined;
}

function setPath(target: object, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts.at(-1)!] = value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s;
}

/**
 * Intake workers pay off only when a core is left for them besides the event loop and whatever else runs
 * beside the hub: measured on 2 cores, 2 workers cost 0.5–1 ms more CPU per package than they took off the
 * event loop and gave no more packages/s (docs/BENCHMARKS.md). From 4 cores: one per core but the event loop's.
 */
export function defaultIntakeWorkers(cores = availableParallelism()): number {
  return cores >= 4 ? cores - 1 : 0;
}
