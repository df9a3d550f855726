import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from './config-error.js';
import { defaultIntakeWorkers, loadConfig } from './load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-config-'));
function writeConfig(name: string, body: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  return file;
}

describe('loadConfig', () => {
  test('defaults', () => {
    const c = loadConfig({ env: {}, cwd: '/srv' });
    assert.equal(c.dataDir, '/srv/.lienthong');
    assert.deepEqual(c.listen, { host: '127.0.0.1', port: 8080 });
    assert.equal(c.hubId, 'lienthong.hub');
    assert.equal(c.demo, false);
    assert.equal(c.limits.maxBodyBytes, 200 * 1024 * 1024);
    assert.equal(c.limits.maxPageSize, 1000);
    assert.equal(c.vxp.timestampWindowSeconds, 900);
    assert.equal(c.longPollMaxSeconds, 60);
    assert.equal(c.shutdownGraceSeconds, 10);
    assert.deepEqual(c.log, { level: 'info', pretty: false });
    assert.equal(c.publicUrl, undefined);
    assert.deepEqual(c.intake, { workers: defaultIntakeWorkers(availableParallelism()) });
    assert.deepEqual(
      [1, 2, 3, 4, 16].map((n) => defaultIntakeWorkers(n)),
      [0, 0, 0, 3, 15],
    );
    assert.deepEqual(c.webhooks, {
      enabled: true,
      timeoutMs: 10_000,
      concurrency: 8,
      initialDelayMs: 5_000,
      maxDelayMs: 3_600_000,
      horizonSeconds: 86_400,
      pollIntervalMs: 1_000,
      allowedHosts: [],
    });
  });

  test('file < environment < overrides', () => {
    const file = writeConfig('layers.json', {
      listen: { port: 9000, host: '0.0.0.0' },
      hubId: 'from.file',
      limits: { maxBodyBytes: '10MiB' },
      vxp: { timestampWindowSeconds: 60 },
    });
    const env = { LIENTHONG_CONFIG: file, LIENTHONG_PORT: '9100', LIENTHONG_HUB_ID: 'from.env', LIENTHONG_DEMO: 'yes' };
    const c = loadConfig({ env, cwd: '/srv', overrides: { listen: { port: 9200 } } });
    assert.equal(c.listen.port, 9200, 'override beats env');
    assert.equal(c.listen.host, '0.0.0.0', 'file beats default, untouched by others');
    assert.equal(c.hubId, 'from.env', 'env beats file');
    assert.equal(c.limits.maxBodyBytes, 10 * 1024 * 1024, 'sizes accept units');
    assert.equal(c.limits.maxPageSize, 1000, 'sibling default survives a partial section');
    assert.equal(c.vxp.timestampWindowSeconds, 60);
    assert.equal(c.demo, true);
  });

  test('explicit --config wins over LIENTHONG_CONFIG', () => {
    const a = writeConfig('a.json', { hubId: 'a' });
    const b = writeConfig('b.json', { hubId: 'b' });
    assert.equal(loadConfig({ env: { LIENTHONG_CONFIG: a }, configFile: b }).hubId, 'b');
  });

  test('every documented environment variable is read', () => {
    const c = loadConfig({
      env: {
        LIENTHONG_DATA_DIR: '/var/lib/lt',
        LIENTHONG_DATABASE_URL: 'postgres://lt@db:5432/lienthong',
        LIENTHONG_DATABASE_POOL_SIZE: '30',
        LIENTHONG_HOST: '::',
        LIENTHONG_PORT: '0',
        LIENTHONG_HUB_ID: 'hub.x',
        LIENTHONG_DEMO: 'false',
        LIENTHONG_MAX_BODY_BYTES: '1048576',
        LIENTHONG_MAX_PAGE_SIZE: '50',
        LIENTHONG_VXP_TIMESTAMP_WINDOW: '0',
        LIENTHONG_LONG_POLL_MAX: '5',
        LIENTHONG_LOG_LEVEL: 'DEBUG',
        LIENTHONG_LOG_PRETTY: '1',
        LIENTHONG_SHUTDOWN_GRACE: '3',
        LIENTHONG_PUBLIC_URL: 'https://hub.example.vn/',
        LIENTHONG_INTAKE_WORKERS: '0',
        LIENTHONG_DEV_CA: 'false',
        LIENTHONG_TRUST_ANCHORS: '/etc/lt/gov-root.pem, /etc/lt/gov-root-2.pem',
        LIENTHONG_TRUST_INTERMEDIATES: '/etc/lt/sub.pem',
        LIENTHONG_CRLS: 'http://ca.example.vn/crl.der,/etc/lt/local.crl',
        LIENTHONG_CRL_REFRESH: '600',
        LIENTHONG_STALE_CRL: 'accept',
        LIENTHONG_SIGNATURE_POLICY: 'require',
        LIENTHONG_HUB_CERTIFICATE: '/etc/lt/hub.pem',
        LIENTHONG_HUB_KEY: '/etc/lt/hub.key',
        LIENTHONG_CHECKPOINT_INTERVAL: '60',
        LIENTHONG_TLS_CERT: '/etc/lt/tls.pem',
        LIENTHONG_TLS_KEY: '/etc/lt/tls.key',
        LIENTHONG_TLS_CLIENT_CA: '/etc/lt/gov-root.pem',
        LIENTHONG_TLS_CLIENT_CERT: 'yes',
        LIENTHONG_BLOBS_BACKEND: 's3',
        LIENTHONG_S3_ENDPOINT: 'http://minio.lt.internal:9000/',
        LIENTHONG_S3_BUCKET: 'lienthong-blobs',
        LIENTHONG_S3_REGION: 'vn-hanoi-1',
        LIENTHONG_S3_FORCE_PATH_STYLE: 'false',
        LIENTHONG_S3_ACCESS_KEY_ID: 'hub',
        LIENTHONG_S3_SECRET_ACCESS_KEY: 's3cret',
        LIENTHONG_S3_PREFIX: 'hub-1/',
        LIENTHONG_S3_PART_SIZE_MIB: '16',
        LIENTHONG_WEBHOOKS: 'off',
        LIENTHONG_WEBHOOK_TIMEOUT_MS: '2000',
        LIENTHONG_WEBHOOK_CONCURRENCY: '2',
        LIENTHONG_WEBHOOK_INITIAL_DELAY_MS: '100',
        LIENTHONG_WEBHOOK_MAX_DELAY_MS: '60000',
        LIENTHONG_WEBHOOK_HORIZON: '3600',
        LIENTHONG_WEBHOOK_POLL_MS: '250',
        LIENTHONG_WEBHOOK_ALLOWED_HOSTS: 'QLVB.tayninh.gov.vn, *.gov.vn',
        LIENTHONG_FEDERATION_PARENT:
          '{"hubId":"hub.national","url":"https://national.example.vn/","certificate":"/etc/lt/national.pem"}',
        LIENTHONG_FEDERATION_CHILDREN:
          '[{"hubId":"hub.district","url":"http://10.0.0.9:8080","certificate":"/etc/lt/district.pem"}]',
        LIENTHONG_FEDERATION_LINK_KEY: '/etc/lt/link.key',
        LIENTHONG_FEDERATION_SYNC_INTERVAL: '10',
        LIENTHONG_FEDERATION_RETRY_BASE_MS: '500',
        LIENTHONG_FEDERATION_RETRY_MAX_MS: '30000',
        LIENTHONG_FEDERATION_CLOCK_SKEW: '120',
        LIENTHONG_CONSOLE: 'false',
        LIENTHONG_CONSOLE_DIR: '/srv/lienthong/console',
        LIENTHONG_CONSOLE_LOCKOUT_THRESHOLD: '3',
        LIENTHONG_CONSOLE_LOCKOUT_MINUTES: '30',
        LIENTHONG_CONSOLE_IP_LOCKOUT_THRESHOLD: '50',
        LIENTHONG_CONSOLE_IP_LOCKOUT_WINDOW: '5',
        LIENTHONG_CONSOLE_SESSION_IDLE: '20',
        LIENTHONG_CONSOLE_SESSION_MAX: '8',
        LIENTHONG_CONSOLE_MAX_UPLOAD: '10MiB',
        LIENTHONG_ACK_DEADLINE_HOURS: '48',
        LIENTHONG_STATS_INTERVAL_MS: '250',
      },
    });
    assert.deepEqual(c, {
      dataDir: '/var/lib/lt',
      database: 'postgres://lt@db:5432/lienthong',
      databasePoolSize: 30,
      listen: { host: '::', port: 0 },
      hubId: 'hub.x',
      demo: false,
      limits: { maxBodyBytes: 1048576, maxPageSize: 50 },
      vxp: { timestampWindowSeconds: 0 },
      longPollMaxSeconds: 5,
      log: { level: 'debug', pretty: true },
      shutdownGraceSeconds: 3,
      publicUrl: 'https://hub.example.vn',
      intake: { workers: 0 },
      trust: {
        devCa: false,
        anchors: ['/etc/lt/gov-root.pem', '/etc/lt/gov-root-2.pem'],
        intermediates: ['/etc/lt/sub.pem'],
        crls: ['http://ca.example.vn/crl.der', '/etc/lt/local.crl'],
        crlRefreshSeconds: 600,
        staleCrl: 'accept',
        signaturePolicy: 'require',
        hubCertificate: '/etc/lt/hub.pem',
        hubKey: '/etc/lt/hub.key',
        checkpointIntervalSeconds: 60,
      },
      tls: {
        cert: '/etc/lt/tls.pem',
        key: '/etc/lt/tls.key',
        dev: false,
        clientCa: ['/etc/lt/gov-root.pem'],
        requestClientCert: true,
      },
      blobs: {
        backend: 's3',
        s3: {
          endpoint: 'http://minio.lt.internal:9000',
          bucket: 'lienthong-blobs',
          region: 'vn-hanoi-1',
          forcePathStyle: false,
          accessKeyId: 'hub',
          secretAccessKey: 's3cret',
          prefix: 'hub-1/',
          partSizeMiB: 16,
        },
      },
      webhooks: {
        enabled: false,
        timeoutMs: 2000,
        concurrency: 2,
        initialDelayMs: 100,
        maxDelayMs: 60_000,
        horizonSeconds: 3600,
        pollIntervalMs: 250,
        allowedHosts: ['qlvb.tayninh.gov.vn', '*.gov.vn'],
      },
      federation: {
        parent: { hubId: 'hub.national', url: 'https://national.example.vn', certificate: '/etc/lt/national.pem' },
        children: [{ hubId: 'hub.district', url: 'http://10.0.0.9:8080', certificate: '/etc/lt/district.pem' }],
        linkKey: '/etc/lt/link.key',
        syncIntervalSeconds: 10,
        retryBaseMs: 500,
        retryMaxMs: 30000,
        clockSkewSeconds: 120,
      },
      console: {
        enabled: false,
        dir: '/srv/lienthong/console',
        lockoutThreshold: 3,
        lockoutMinutes: 30,
        ipLockoutThreshold: 50,
        ipLockoutWindowMinutes: 5,
        sessionIdleMinutes: 20,
        sessionMaxHours: 8,
        maxUploadBytes: 10 * 1024 * 1024,
      },
      ops: { ackDeadlineHours: 48, statsIntervalMs: 250 },
    });
  });

  test('federation: links need a hub id, an http(s) URL and a pinned key; no link to itself or twice', () => {
    assert.deepEqual(loadConfig({ env: {} }).federation, {
      children: [],
      syncIntervalSeconds: 30,
      retryBaseMs: 1000,
      retryMaxMs: 60000,
      clockSkewSeconds: 300,
    });
    const peer = { hubId: 'hub.a', url: 'http://a:1', certificate: 'a.pem' };
    assert.throws(
      () => loadConfig({ env: {}, overrides: { federation: { parent: { ...peer, url: 'ftp://a' } } } }),
      /federation.parent.url .*http\(s\) URL/,
    );
    assert.throws(
      () => loadConfig({ env: {}, overrides: { federation: { children: [peer, peer] } } }),
      /hub hub.a is linked twice/,
    );
    assert.throws(
      () => loadConfig({ env: {}, overrides: { hubId: 'hub.a', federation: { parent: peer } } }),
      /this hub's own id/,
    );
    assert.throws(
      () => loadConfig({ env: { LIENTHONG_FEDERATION_CHILDREN: '{not json' } }),
      /federation.children .*must be JSON/,
    );
    assert.throws(
      () => loadConfig({ env: {}, overrides: { federation: { parent: { ...peer, key: 'x' } as never } } }),
      /unknown key "key"/,
    );
  });

  test('webhooks: the back-off bounds are checked', () => {
    assert.throws(
      () => loadConfig({ env: { LIENTHONG_WEBHOOK_INITIAL_DELAY_MS: '5000', LIENTHONG_WEBHOOK_MAX_DELAY_MS: '1000' } }),
      (err: unknown) => err instanceof ConfigError && err.key === 'webhooks.maxDelayMs',
    );
    assert.throws(
      () => loadConfig({ env: { LIENTHONG_WEBHOOK_HORIZON: '0' } }),
      (err: unknown) =>
        err instanceof ConfigError && /webhooks.horizonSeconds.*between 1 and 2592000/.test(err.message),
    );
  });

  test('blobs: fs by default; s3 needs a valid bucket, key pairs and a part size S3 accepts', () => {
    assert.deepEqual(loadConfig({ env: {} }).blobs, {
      backend: 'fs',
      s3: { region: 'us-east-1', forcePathStyle: true, prefix: '', partSizeMiB: 8 },
    });
    const file = writeConfig('s3.json', {
      blobs: { backend: 's3', s3: { bucket: 'lt-blobs', endpoint: 'https://rgw.example.vn' } },
    });
    const c = loadConfig({ env: { LIENTHONG_S3_PREFIX: 'lt/' }, configFile: file });
    assert.equal(c.blobs.backend, 's3');
    assert.equal(c.blobs.s3.bucket, 'lt-blobs');
    assert.equal(c.blobs.s3.endpoint, 'https://rgw.example.vn');
    assert.equal(c.blobs.s3.prefix, 'lt/');
    assert.equal(c.blobs.s3.forcePathStyle, true);
    const fails = (env: Record<string, string>, key: string, message: RegExp) =>
      assert.throws(
        () => loadConfig({ env }),
        (err: unknown) => err instanceof ConfigError && err.key === key && message.test(err.message),
      );
    fails({ LIENTHONG_BLOBS_BACKEND: 'nfs' }, 'blobs.backend', /must be one of fs, s3/);
    fails(
      { LIENTHONG_BLOBS_BACKEND: 's3' },
      'blobs.s3.bucket',
      /backend is s3: set blobs\.s3\.bucket \(LIENTHONG_S3_BUCKET\)/,
    );
    fails(
      { LIENTHONG_BLOBS_BACKEND: 's3', LIENTHONG_S3_BUCKET: 'Blobs_Hub' },
      'blobs.s3.bucket',
      /not a valid bucket name/,
    );
    fails({ LIENTHONG_BLOBS_BACKEND: 's3', LIENTHONG_S3_BUCKET: 'ab' }, 'blobs.s3.bucket', /not a valid bucket name/);
    fails({ LIENTHONG_S3_ENDPOINT: 'minio:9000' }, 'blobs.s3.endpoint', /LIENTHONG_S3_ENDPOINT.*http\(s\) URL/);
    fails({ LIENTHONG_S3_PART_SIZE_MIB: '4' }, 'blobs.s3.partSizeMiB', /between 5 and 5120/);
    fails({ LIENTHONG_S3_FORCE_PATH_STYLE: 'perhaps' }, 'blobs.s3.forcePathStyle', /true or false/);
    fails({ LIENTHONG_S3_ACCESS_KEY_ID: 'hub' }, 'blobs.s3.secretAccessKey', /go together/);
    fails({ LIENTHONG_S3_SECRET_ACCESS_KEY: 'x' }, 'blobs.s3.accessKeyId', /go together/);
    fails({ LIENTHONG_S3_PREFIX: '/lt' }, 'blobs.s3.prefix', /must not start with "\/"/);
    assert.equal(
      loadConfig({ env: {}, overrides: { blobs: { s3: { ...c.blobs.s3, prefix: '' } } } }).blobs.s3.prefix,
      '',
    );
    assert.throws(
      () => loadConfig({ env: {}, configFile: writeConfig('s3-typo.json', { blobs: { s3: { bukket: 'x' } } }) }),
      /unknown configuration key "blobs\.s3\.bukket"/,
    );
  });

  test('trust and TLS settings: enums, pairs and anchors are checked', () => {
    assert.throws(
      () => loadConfig({ env: { LIENTHONG_SIGNATURE_POLICY: 'sometimes' } }),
      /trust\.signaturePolicy .*must be one of off, report, require/,
    );
    assert.throws(() => loadConfig({ env: { LIENTHONG_TLS_CERT: '/x.pem' } }), /tls\.cert and tls\.key go together/);
    assert.throws(
      () => loadConfig({ env: { LIENTHONG_TLS_DEV: 'on', LIENTHONG_TLS_CERT: '/x.pem', LIENTHONG_TLS_KEY: '/x.key' } }),
      /tls\.dev serves the hub's own certificate/,
    );
    assert.throws(
      () => loadConfig({ env: { LIENTHONG_TLS_CLIENT_CERT: 'true' } }),
      /tls\.requestClientCert needs HTTPS/,
    );
    assert.equal(loadConfig({ env: { LIENTHONG_TLS_DEV: 'on', LIENTHONG_TLS_CLIENT_CERT: 'on' } }).tls.dev, true);
    assert.throws(
      () => loadConfig({ env: { LIENTHONG_HUB_KEY: '/x.key' } }),
      /trust\.hubCertificate and trust\.hubKey go together/,
    );
    assert.throws(() => loadConfig({ env: { LIENTHONG_DEV_CA: 'false' } }), /no trust anchors/);
    assert.equal(
      loadConfig({ env: { LIENTHONG_DEV_CA: 'false', LIENTHONG_SIGNATURE_POLICY: 'off' } }).trust.devCa,
      false,
    );
  });

  const bad: Array<[string, Parameters<typeof loadConfig>[0], string, RegExp]> = [
    [
      'port not a number',
      { env: { LIENTHONG_PORT: 'eighty' } },
      'listen.port',
      /LIENTHONG_PORT.*"eighty" is not an integer/,
    ],
    ['port out of range', { env: { LIENTHONG_PORT: '70000' } }, 'listen.port', /between 0 and 65535/],
    ['workers not a count', { env: { LIENTHONG_INTAKE_WORKERS: 'two' } }, 'intake.workers', /between 0 and 256/],
    [
      'negative window',
      { env: { LIENTHONG_VXP_TIMESTAMP_WINDOW: '-1' } },
      'vxp.timestampWindowSeconds',
      /not an integer/,
    ],
    [
      'bad size unit',
      { env: { LIENTHONG_MAX_BODY_BYTES: '10 parsecs' } },
      'limits.maxBodyBytes',
      /bytes, or with a unit/,
    ],
    ['zero body limit', { env: { LIENTHONG_MAX_BODY_BYTES: '0' } }, 'limits.maxBodyBytes', /between 1 and/],
    ['bad log level', { env: { LIENTHONG_LOG_LEVEL: 'loud' } }, 'log.level', /must be one of fatal/],
    ['bad boolean', { env: { LIENTHONG_DEMO: 'maybe' } }, 'demo', /must be true or false/],
    ['bad url', { env: { LIENTHONG_PUBLIC_URL: 'ftp://x' } }, 'publicUrl', /http\(s\) URL/],
    ['empty hub id override', { env: {}, overrides: { hubId: ' ' } }, 'hubId', /command line.*non-empty string/],
  ];
  for (const [name, opts, key, message] of bad) {
    test(`rejects ${name}, naming ${key}`, () => {
      assert.throws(
        () => loadConfig(opts),
        (err: unknown) => err instanceof ConfigError && err.key === key && message.test(err.message),
      );
    });
  }

  test('rejects an unknown key in the file, naming it and the file', () => {
    const file = writeConfig('typo.json', { listen: { prot: 1 } });
    assert.throws(
      () => loadConfig({ env: {}, configFile: file }),
      /config file .*typo\.json: unknown configuration key "listen\.prot"/,
    );
  });

  test('rejects a file that is not JSON or is missing', () => {
    const file = writeConfig('broken.json', '{"hubId": ');
    assert.throws(() => loadConfig({ env: {}, configFile: file }), /broken\.json: not valid JSON/);
    assert.throws(() => loadConfig({ env: {}, configFile: join(dir, 'absent.json') }), /absent\.json: cannot read it/);
    assert.throws(() => loadConfig({ env: {}, configFile: writeConfig('arr.json', [1]) }), /must hold a JSON object/);
  });

  test('a wrongly typed file value names the key and the file', () => {
    const file = writeConfig('types.json', { limits: { maxPageSize: 'lots' } });
    assert.throws(
      () => loadConfig({ env: {}, configFile: file }),
      /limits\.maxPageSize \(from config file .*types\.json\)/,
    );
  });
  test('database: a PostgreSQL URL from LIENTHONG_DATABASE_URL, else DATABASE_URL, else none (SQLite)', () => {
    assert.equal(loadConfig({ env: {} }).database, undefined);
    assert.equal(loadConfig({ env: {} }).databasePoolSize, 10);
    const pg = 'postgres://lt:secret@db.example.vn:5432/lienthong';
    assert.equal(loadConfig({ env: { DATABASE_URL: pg } }).database, pg);
    assert.equal(
      loadConfig({ env: { DATABASE_URL: 'postgres://other/db', LIENTHONG_DATABASE_URL: ` ${pg} ` } }).database,
      pg,
    );
    assert.equal(loadConfig({ env: { LIENTHONG_DATABASE_URL: '', DATABASE_URL: pg } }).database, pg);
    const flag = loadConfig({
      env: { LIENTHONG_DATABASE_URL: pg, LIENTHONG_DATABASE_POOL_SIZE: '25' },
      overrides: { database: 'postgresql://127.0.0.1/x' },
    });
    assert.equal(flag.database, 'postgresql://127.0.0.1/x');
    assert.equal(flag.databasePoolSize, 25);
    assert.throws(
      () => loadConfig({ env: { DATABASE_URL: 'mysql://root:hunter2@localhost/hub' } }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /database \(from environment variable DATABASE_URL\) must be a PostgreSQL URL/.test(err.message) &&
        !err.message.includes('hunter2'),
    );
    assert.throws(() => loadConfig({ env: { LIENTHONG_DATABASE_POOL_SIZE: '0' } }), /databasePoolSize/);
  });
});
