import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { HubError } from '../core/contract.js';
import { as, ctxOf, readFixture, sqliteFileOnly, useTestHub } from '../core/hub-test-support.js';
import { parseApiKey } from './api-key.js';
import { DEMO_DIRECTORY } from './demo-directory.js';

describe('directory and credentials', () => {
  const t = useTestHub();

  test('the demo directory is shaped like the national one and holds every fixture code', async () => {
    const all = await t.hub.listAgencies();
    const codes = new Set(all.map((a) => a.code));
    for (const f of ['edoc_new.edxml', 'edoc_update.edxml', 'status_processing_05.edxml']) {
      for (const m of readFixture(f)
        .toString('utf8')
        .matchAll(/<edXML:OrganId>([^<]+)<\/edXML:OrganId>/g)) {
        assert.ok(codes.has(m[1]!), `${m[1]} from ${f}`);
      }
    }
    assert.equal(all.filter((a) => /^000\.00\.00\.G\d\d$/.test(a.code)).length, 31);
    assert.equal(all.filter((a) => /^000\.00\.00\.H\d\d$/.test(a.code)).length, 63);
    assert.equal((await t.hub.getAgency('000.00.00.G22'))?.name, 'Văn phòng Chính phủ');
    assert.equal((await t.hub.getAgency('000.00.00.H41'))?.name, 'UBND tỉnh Nghệ An');
    assert.equal((await t.hub.getAgency('000.00.00.H53'))?.name, 'UBND tỉnh Tây Ninh');
    assert.equal((await t.hub.getAgency('000.00.01.A53'))?.parentCode, '000.00.00.H53');
    assert.equal((await t.hub.getAgency('000.46.24.H41'))?.level, 3);
    assert.ok(all.every((a) => a.demo));
    assert.ok((await t.hub.getAgency('vxp.saas.03'))?.isTenant);
    assert.equal(all.filter((a) => a.tenantId === 'vxp.saas.03').length, 2);
    assert.equal((await t.hub.listAgencies({ level: 1 })).length, 1 + 31 + 63);
  });

  test('initDemo writes every credential to a 0600 file and returns it again later', async () => {
    const first = await t.hub.initDemo();
    const file = join(t.dataDir, 'demo-credentials.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const stored = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(stored, first);
    assert.equal(first.demo, true);
    assert.ok(first.featured.some((c) => c.systemId === '000.00.00.G22'));
    assert.equal(first.all.length, DEMO_DIRECTORY.filter((a) => !a.tenantId).length);
    const g22 = first.all.find((c) => c.systemId === '000.00.00.G22')!;
    assert.equal(g22.vxpSecret.length, 44);
    assert.equal(await t.hub.vxpSecret('000.00.00.G22'), g22.vxpSecret);
    assert.deepEqual(await t.hub.resolveApiKey(g22.apiKey), { systemId: '000.00.00.G22', via: 'api-key' });
    const hub = await t.reopen();
    assert.deepEqual(await hub.initDemo(), first);
    assert.equal(await hub.vxpSecret('000.00.00.G22'), g22.vxpSecret);
  });

  test('secrets are stored sealed; the master key file is 0600', async () => {
    const keyFile = join(t.dataDir, 'keys', 'master.key');
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    const demo = await t.hub.initDemo();
    const secret = demo.all[0]!.vxpSecret;
    // the secret part itself (base64url: it may hold '_', so not split on it)
    const apiSecret = parseApiKey(demo.all[0]!.apiKey)!.secret;
    assert.equal(apiSecret.length, 43);
    const stored = JSON.stringify(await ctxOf(t.hub).store.getCredential(demo.all[0]!.systemId));
    assert.ok(stored.length > 100, 'the credential is stored');
    assert.equal(stored.includes(secret), false);
    assert.equal(stored.includes(apiSecret), false);
    // on the embedded store, nowhere in the file either
    if (sqliteFileOnly) return;
    const raw = await readFile(join(t.dataDir, 'hub.sqlite'));
    assert.equal(raw.includes(Buffer.from(secret)), false);
    assert.equal(raw.includes(Buffer.from(apiSecret)), false);
  });

  test('addAgency, rotate, disable: old keys stop working, disabled systems cannot authenticate', async () => {
    const { agency, credentials } = await t.hub.addAgency({ code: '000.00.05.G07', name: 'Cục Quản lý thuế (thử)' });
    assert.equal(agency.level, 2);
    assert.equal(agency.parentCode, '000.00.00.G07');
    assert.match(credentials.apiKey, /^lt_[0-9a-f]{16}_[\w-]{43}$/);
    await assert.rejects(t.hub.addAgency({ code: '000.00.05.G07', name: 'x' }), (e: HubError) => e.code === 'conflict');
    const rotated = await t.hub.rotateCredentials('000.00.05.G07');
    assert.equal(await t.hub.resolveApiKey(credentials.apiKey), undefined);
    assert.equal(await t.hub.vxpSecret('000.00.05.G07'), rotated.vxpSecret);
    const forged = `${rotated.apiKey.slice(0, -1)}${rotated.apiKey.endsWith('A') ? 'B' : 'A'}`;
    assert.equal(await t.hub.resolveApiKey(forged), undefined);
    assert.equal(await t.hub.resolveApiKey('nonsense'), undefined);
    await t.hub.setAgencyEnabled('000.00.05.G07', false);
    assert.equal(await t.hub.vxpSecret('000.00.05.G07'), undefined);
    assert.equal(await t.hub.resolveApiKey(rotated.apiKey), undefined);
    assert.equal(
      (await t.hub.listAgencies()).some((a) => a.code === '000.00.05.G07'),
      false,
    );
    assert.equal(
      (await t.hub.listAgencies({ includeDisabled: true })).some((a) => a.code === '000.00.05.G07'),
      true,
    );
    await t.hub.setAgencyEnabled('000.00.05.G07', true);
    assert.deepEqual(await t.hub.resolveApiKey(rotated.apiKey), { systemId: '000.00.05.G07', via: 'api-key' });
  });

  test('a tenant registers and deletes its units; incremental sync sees both', async () => {
    const tenant = as('vxp.saas.03');
    const version = Math.max(...(await t.hub.listAgencies({ includeDisabled: true })).map((a) => a.version));
    const unit = await t.hub.registerUnit(tenant, { code: '000.03.32.H53', name: 'UBND phường Hiệp Tân' });
    assert.equal(unit.tenantId, 'vxp.saas.03');
    assert.equal(unit.parentCode, '000.00.32.H53');
    await assert.rejects(
      t.hub.registerUnit(as('000.00.00.G22'), { code: '000.04.32.H53', name: 'x' }),
      (e: HubError) => e.code === 'forbidden',
    );
    await assert.rejects(
      t.hub.registerUnit(tenant, { code: '000.00.00.G22', name: 'x' }),
      (e: HubError) => e.code === 'conflict',
    );
    await assert.rejects(t.hub.deleteUnit(tenant, '000.00.00.G22'), (e: HubError) => e.code === 'forbidden');
    const synced = await t.hub.listAgencies({ sinceVersion: version });
    assert.deepEqual(
      synced.map((a) => a.code),
      ['000.03.32.H53'],
    );
    await t.hub.deleteUnit(tenant, '000.03.32.H53');
    assert.equal(await t.hub.getAgency('000.03.32.H53'), undefined);
    const after = await t.hub.listAgencies({ sinceVersion: version });
    assert.deepEqual(
      after.map((a) => [a.code, a.deleted]),
      [['000.03.32.H53', true]],
    );
  });

  test('health and stats', async () => {
    const h = await t.hub.health();
    assert.equal(h.ok, true);
    assert.deepEqual(Object.keys(h.checks).sort(), ['blobs', 'database']);
    const s = await t.hub.stats();
    assert.ok(s.agencies > 95);
  });
});
