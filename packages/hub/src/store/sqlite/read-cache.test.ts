import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { tempSqlite } from '../../test-support/temp-sqlite.js';
import type { CredentialRecord } from '../store.js';
import { openSqliteStore } from './sqlite-store.js';

const { open } = tempSqlite('lt-cache-');

const now = new Date('2024-05-01T03:00:00Z');
const agency = (code: string) => ({
  code,
  name: `Agency ${code}`,
  level: 1,
  enabled: true,
  isTenant: false,
  demo: false,
});
const selects = (store: { statements: { bySql?: Map<string, number> } }, table: string): number =>
  [...(store.statements.bySql?.entries() ?? [])]
    .filter(([q]) => q.startsWith(`select * from "${table}"`))
    .reduce((n, [, k]) => n + k, 0);

test('agencies are read from the database once, then from the cache, in and out of transactions', async () => {
  const { store } = await open();
  await store.insertAgency(agency('000.00.00.G01'), now);
  await store.insertAgency(agency('000.00.00.G02'), now);
  store.statements.detail().reset();
  for (let i = 0; i < 5; i++) {
    assert.equal((await store.getAgency('000.00.00.G01'))?.enabled, true);
    assert.equal(await store.getAgency('000.00.00.G99'), undefined, 'an unknown code is cached as unknown');
    await store.transaction(async (tx) => {
      assert.equal((await tx.getAgency('000.00.00.G01'))?.code, '000.00.00.G01');
      const both = await tx.getAgencies(['000.00.00.G01', '000.00.00.G02', '000.00.00.G01']);
      assert.deepEqual(both.map((a) => a.code).sort(), ['000.00.00.G01', '000.00.00.G02']);
    });
  }
  assert.equal(selects(store, 'agencies'), 3, 'G01, G99, then G02 alone (G01 came from the cache)');
  // a caller changing a returned record does not change the cache
  const a = await store.getAgency('000.00.00.G01');
  a!.enabled = false;
  assert.equal((await store.getAgency('000.00.00.G01'))?.enabled, true);
  await store.close();
});

test('own writes: seen at once after commit, inside their transaction, and a rolled-back write is not cached', async () => {
  const { store } = await open();
  await store.insertAgency(agency('000.00.00.G03'), now);
  assert.equal((await store.getAgency('000.00.00.G03'))?.enabled, true);
  await store.updateAgency('000.00.00.G03', { enabled: false }, now);
  assert.equal((await store.getAgency('000.00.00.G03'))?.enabled, false);

  await assert.rejects(
    store.transaction(async (tx) => {
      await tx.updateAgency('000.00.00.G03', { enabled: true, name: 'renamed' }, now);
      assert.equal((await tx.getAgency('000.00.00.G03'))?.name, 'renamed', 'the transaction sees its own write');
      throw new Error('roll back');
    }),
    /roll back/,
  );
  const after = await store.getAgency('000.00.00.G03');
  assert.equal(after?.enabled, false);
  assert.equal(after?.name, 'Agency 000.00.00.G03');

  // a transaction of the same batch that wrote, next to one that only read
  const results = await Promise.all([
    store.transaction((tx) => tx.updateAgency('000.00.00.G03', { name: 'batched' }, now)),
    store.transaction((tx) => tx.getAgency('000.00.00.G03')),
  ]);
  assert.equal(results[1]?.name, 'batched', 'items run in order and see the earlier ones');
  assert.equal((await store.getAgency('000.00.00.G03'))?.name, 'batched');

  // a new agency that was looked up (and cached as unknown) before it existed
  assert.equal(await store.getAgency('000.00.00.G04'), undefined);
  await store.insertAgency(agency('000.00.00.G04'), now);
  assert.equal((await store.getAgency('000.00.00.G04'))?.code, '000.00.00.G04');
  await store.close();
});

test('another connection in this process (the CLI with --data-dir) is seen at the next lookup', async () => {
  const { file, store } = await open();
  await store.insertAgency(agency('000.00.00.G05'), now);
  assert.equal((await store.getAgency('000.00.00.G05'))?.enabled, true);
  assert.deepEqual(
    (await store.getAgencies(['000.00.00.G05', '000.00.00.G06'])).map((a) => a.code),
    ['000.00.00.G05'],
  );
  const cli = await openSqliteStore({ file });
  await cli.updateAgency('000.00.00.G05', { enabled: false }, now);
  await cli.insertAgency(agency('000.00.00.G06'), now);
  await cli.close();
  assert.equal((await store.getAgency('000.00.00.G05'))?.enabled, false);
  await store.transaction(async (tx) => {
    assert.deepEqual((await tx.getAgencies(['000.00.00.G05', '000.00.00.G06'])).map((a) => a.code).sort(), [
      '000.00.00.G05',
      '000.00.00.G06',
    ]);
  });
  await store.close();
});

test('another process writing the file is seen at the next lookup: agencies and credentials', async () => {
  const { file, store } = await open();
  await store.insertAgency(agency('000.00.00.G07'), now);
  const cred: CredentialRecord = {
    systemId: '000.00.00.G07',
    vxpSecretSealed: 'sealed',
    apiKeyId: 'key-1',
    apiKeyHash: 'a'.repeat(64),
    createdAt: now,
  };
  await store.putCredential(cred);
  assert.equal((await store.getAgency('000.00.00.G07'))?.enabled, true);
  assert.equal((await store.getCredentialByKeyId('key-1'))?.apiKeyHash, 'a'.repeat(64));
  assert.equal((await store.getCredential('000.00.00.G07'))?.apiKeyId, 'key-1');

  // a separate node process, its own SQLite connection, as `lienthong agency disable --data-dir` is
  const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const script = `
    const db = new (require(${JSON.stringify(betterSqlite)}))(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    db.prepare("update agencies set enabled = 0 where code = '000.00.00.G07'").run();
    db.prepare("update credentials set api_key_id = 'key-2', api_key_hash = ? where system_id = '000.00.00.G07'").run('b'.repeat(64));
    db.close();`;
  await promisify(execFile)(process.execPath, ['-e', script, file]);

  assert.equal((await store.getAgency('000.00.00.G07'))?.enabled, false);
  assert.equal(await store.getCredentialByKeyId('key-1'), undefined, 'the old key no longer authenticates');
  assert.equal((await store.getCredentialByKeyId('key-2'))?.apiKeyHash, 'b'.repeat(64));
  assert.equal((await store.getCredential('000.00.00.G07'))?.apiKeyId, 'key-2');

  // own credential writes too
  await store.putCredential({ ...cred, apiKeyId: 'key-3' });
  assert.equal(await store.getCredentialByKeyId('key-2'), undefined);
  assert.equal((await store.getCredentialByKeyId('key-3'))?.systemId, '000.00.00.G07');
  await store.close();
});

test('documents: read once, kept only once committed; a rolled-back insert read in its transaction is not kept', async () => {
  const { store } = await open();
  const doc = (docId: string, sha: string) => ({
    docId,
    messageType: 'edoc' as const,
    sender: '000.00.00.G08',
    submittedBy: '000.00.00.G08',
    documentId: `000.00.00.G08,2024/05/01,${docId}/X`,
    businessType: 0 as const,
    blobKey: sha,
    xmlStart: 0,
    xmlEnd: 10,
    sha256: sha,
    size: 10,
    acceptedAt: now,
  });
  await store.insertDocument(doc('a'.repeat(24), '1'.repeat(64)));
  store.statements.detail().reset();
  for (let i = 0; i < 3; i++) {
    assert.equal((await store.getDocument('a'.repeat(24)))?.sha256, '1'.repeat(64));
    await store.transaction(async (tx) => assert.equal((await tx.getDocument('a'.repeat(24)))?.seq, 1));
  }
  assert.equal(selects(store, 'documents'), 1);

  await assert.rejects(
    store.transaction(async (tx) => {
      await tx.insertDocument(doc('b'.repeat(24), '2'.repeat(64)));
      assert.equal((await tx.getDocument('b'.repeat(24)))?.docId, 'b'.repeat(24));
      throw new Error('roll back');
    }),
  );
  assert.equal(await store.getDocument('b'.repeat(24)), undefined);
  await store.insertDocument(doc('b'.repeat(24), '2'.repeat(64)));
  assert.equal((await store.getDocument('b'.repeat(24)))?.docId, 'b'.repeat(24), 'an unknown id is not kept');
  await store.close();
});
