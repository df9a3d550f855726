import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GatewayConfigError, loadGatewayConfig, parseGatewayConfig } from './gateway-config.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lt-gateway-config-'));
  await writeFile(join(dir, 'key.txt'), 'lt_abc_secret-from-file\n');
});
after(() => rm(dir, { recursive: true, force: true }));

const tenant = (over: Record<string, unknown> = {}) => ({
  agency: '000.00.11.H53',
  apiKeyFile: 'key.txt',
  signingKey: 'keys/a.key',
  certificate: 'keys/a.pem',
  trustAnchors: ['ca/root.pem'],
  ...over,
});
const base = (over: Record<string, unknown> = {}) => ({
  hub: { url: 'http://127.0.0.1:8080' },
  dataDir: 'data',
  tenants: [tenant()],
  ...over,
});

function refused(raw: unknown, path: string, message: RegExp, env: Record<string, string> = {}): void {
  assert.throws(
    () => parseGatewayConfig(raw, { baseDir: dir, env }),
    (e: unknown) => e instanceof GatewayConfigError && e.path === path && message.test(e.message),
  );
}

test('defaults, relative paths from the config directory, secrets from files and the environment', async () => {
  const c = parseGatewayConfig(
    base({
      tenants: [
        tenant(),
        tenant({ agency: '000.00.01.A53', apiKeyFile: undefined, apiKeyEnv: 'KEY_A53', folder: 'folders/a53' }),
      ],
    }),
    {
      baseDir: dir,
      env: { KEY_A53: ' lt_env_key ' },
    },
  );
  assert.deepEqual(c.listen, { host: '127.0.0.1', port: 8090 });
  assert.equal(c.hub.ca, undefined);
  const tls = parseGatewayConfig(base({ hub: { url: 'https://hub.example', ca: 'ca/root.pem' } }), { baseDir: dir });
  assert.deepEqual(tls.hub.ca, [join(dir, 'ca/root.pem')]);
  assert.equal(c.dataDir, join(dir, 'data'));
  assert.equal(c.tenants[0]!.apiKey, 'lt_abc_secret-from-file');
  assert.equal(c.tenants[0]!.signingKey, join(dir, 'keys/a.key'));
  assert.equal(c.tenants[0]!.incoming, 'deliver');
  assert.equal(c.tenants[0]!.folder, undefined);
  assert.equal(c.tenants[1]!.apiKey, 'lt_env_key');
  assert.equal(c.tenants[1]!.folder, join(dir, 'folders/a53'));
  await writeFile(join(dir, 'gateway.json'), JSON.stringify(base({ listen: { port: 9999 } })));
  assert.equal(loadGatewayConfig(join(dir, 'gateway.json')).listen.port, 9999);
});

test('each mistake is named by its field', async () => {
  refused([], '', /must be a JSON object/);
  refused(base({ hub: undefined }), 'hub', /must be an object/);
  refused(base({ hub: { url: 'ftp://x' } }), 'hub.url', /http/);
  refused(base({ hub: { url: 'not a url' } }), 'hub.url', /not a URL/);
  refused(base({ hub: { url: 'https://hub', ca: [] } }), 'hub.ca', /non-empty array/);
  refused(base({ listen: { port: 70000 } }), 'listen.port', /between 0 and 65535/);
  refused(base({ dataDir: '' }), 'dataDir', /non-empty/);
  refused(base({ tenants: [] }), 'tenants', /at least one/);
  refused(base({ colour: 'blue' }), 'colour', /unknown setting/);
  refused(base({ tenants: [tenant({ agency: 'A53' })] }), 'tenants[0].agency', /not an agency code/);
  refused(base({ tenants: [tenant(), tenant()] }), 'tenants[1].agency', /configured twice/);
  refused(base({ tenants: [tenant({ apiKeyFile: undefined })] }), 'tenants[0].apiKey', /required/);
  refused(base({ tenants: [tenant({ apiKey: 'x' })] }), 'tenants[0].apiKey', /one of/);
  refused(base({ tenants: [tenant({ apiKeyFile: 'missing.txt' })] }), 'tenants[0].apiKeyFile', /cannot read .*ENOENT/);
  refused(
    base({ tenants: [tenant({ apiKeyFile: undefined, apiKeyEnv: 'NOPE' })] }),
    'tenants[0].apiKeyEnv',
    /NOPE is not set/,
  );
  refused(base({ tenants: [tenant({ trustAnchors: [] })] }), 'tenants[0].trustAnchors', /non-empty/);
  refused(base({ tenants: [tenant({ incoming: 'drop' })] }), 'tenants[0].incoming', /deliver or quarantine/);
  refused(base({ localToken: 'short' }), 'localToken', /16 characters/);
  refused(base({ log: { level: 'loud' } }), 'log.level', /not one of/);
  assert.throws(() => loadGatewayConfig(join(dir, 'none.json')), /cannot read the configuration file/);
  await writeFile(join(dir, 'bad.json'), '{"hub":');
  assert.throws(() => loadGatewayConfig(join(dir, 'bad.json')), /not valid JSON/);
});

test('secrets never appear in error messages', () => {
  try {
    parseGatewayConfig(
      base({ tenants: [tenant({ apiKeyFile: undefined, apiKey: 'lt_very_secret', agency: 'bad' })] }),
      {
        baseDir: dir,
      },
    );
    assert.fail('accepted');
  } catch (e) {
    assert.doesNotMatch((e as Error).message, /lt_very_secret/);
  }
});
