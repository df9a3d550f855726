// The audit chain against an attacker with write access to the SQLite file: every tampering is named
// (the tampering is done in the file, so those cases are skipped when the suite runs on PostgreSQL).

import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  createIntermediateCa,
  createRootCa,
  entryHash,
  GENESIS_HASH,
  issueHubCertificate,
  signCheckpoint,
} from '@lienthong/trust';
import SQLite from 'better-sqlite3';
import pino from 'pino';
import { createHub } from '../core/create-hub.js';
import type { Hub } from '../core/hub.js';
import {
  as,
  body,
  collectStream,
  documentPackage,
  sqliteFileOnly,
  statusPackage,
  testConfig,
  useTestHub,
} from '../core/hub-test-support.js';
import { chainEntry } from './chain-entry.js';
import { AuditChainBroken } from './checkpoint-audit.js';
import type { AuditBreak } from './verify-audit-log.js';

const VPCP = '000.00.00.G22';
const NGHE_AN = '000.00.00.H41';

type Row = { id: number; payload: string; prev_hash: string; hash: string; actor: string };

describe('audit hash chain', () => {
  const t = useTestHub();
  const dirs: string[] = [];
  /** ids of interesting entries */
  let accept: number;
  /** the admin's agency-add (after the demo directory and the demo console accounts) */
  let added: number;
  let lone: number;
  let head: number;

  before(async () => {
    const hub = t.hub;
    const demoAccounts = (await hub.console.accounts.list()).length;
    await hub.addAgency({ code: '000.00.99.H41', name: 'Sở Thử nghiệm' });
    const doc = await documentPackage(VPCP, [NGHE_AN]);
    const r = await hub.submit({ principal: as(VPCP), body: body(doc), messageType: 'edoc' });
    await assert.rejects(hub.submit({ principal: as(VPCP), body: body('<edXML>'), messageType: 'edoc' }));
    await hub.checkpointAudit();
    await collectStream((await hub.openPackage(as(NGHE_AN), r.docId)).stream);
    await hub.checkpointAudit();
    await hub.acknowledge(as(NGHE_AN), r.docId, 'done');
    const tl = await hub.timeline(as(VPCP), r.docId);
    const documentId = tl.documentId!;
    await hub.submit({
      principal: as(NGHE_AN),
      body: body(statusPackage(NGHE_AN, VPCP, documentId, '03')),
      messageType: 'status',
    });
    await hub.setAgencyEnabled('000.00.99.H41', false);
    await hub.setAgencyEnabled('000.00.99.H41', true);
    await hub.rotateCredentials('000.00.99.H41');
    await hub.checkpointAudit();
    const entries = await hub.listAudit(0, 100);
    accept = entries.find((e) => e.action === 'accept')!.id;
    added = entries.find((e) => e.action === 'agency-add')!.id;
    lone = entries.find((e) => e.action === 'fetch')!.id;
    head = entries.at(-1)!.id;
    assert.deepEqual(
      entries.map((e) => `${e.action}${e.outcome === 'refused' ? '!' : ''}`),
      [
        'directory-load',
        // the demo console accounts (console/demo-accounts.ts)
        ...Array.from({ length: demoAccounts }, () => 'console-account-add'),
        'agency-add',
        'accept',
        'submit!',
        'fetch',
        'ack',
        'accept',
        'agency-disable',
        'agency-enable',
        'credentials-rotate',
      ],
    );
    await t.reopen();
  });
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  /** a copy of the hub's data directory, tampered with as an attacker with file access would, then verified */
  async function tampered(attack: (db: SQLite.Database) => void): Promise<{ hub: Hub; broken?: AuditBreak }> {
    const dir = await mkdtemp(join(tmpdir(), 'lt-audit-'));
    dirs.push(dir);
    await t.hub.close();
    await cp(t.dataDir, dir, { recursive: true });
    await t.reopen();
    const db = new SQLite(join(dir, 'hub.sqlite'));
    for (const trigger of ['audit_log_no_update', 'audit_log_no_delete', 'audit_checkpoints_no_delete'])
      db.exec(`DROP TRIGGER ${trigger}`);
    db.transaction(() => attack(db))();
    db.close();
    const hub = await createHub(testConfig(dir), { logger: pino({ level: 'silent' }) });
    const v = await hub.verifyAudit();
    await hub.close();
    assert.equal(v.valid, false, 'the tampering went unnoticed');
    return { hub, broken: v.broken };
  }

  const rows = (db: SQLite.Database) => db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Row[];
  /** what an attacker who knows the algorithm does after changing entries: recompute every later hash */
  function rehash(db: SQLite.Database, fromId: number) {
    let prev = fromId === 1 ? GENESIS_HASH : rows(db).find((r) => r.id === fromId - 1)!.hash;
    for (const r of rows(db).filter((x) => x.id >= fromId)) {
      const hash = entryHash(prev, chainEntry(r.id, r.payload));
      db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, r.id);
      prev = hash;
    }
  }
  const pick = (b?: AuditBreak) => ({ id: b?.id, kind: b?.kind });

  test('an untouched log verifies from genesis, with every checkpoint signed by the hub', async () => {
    const v = await t.hub.verifyAudit();
    assert.equal(v.valid, true, JSON.stringify(v.broken));
    assert.equal(v.entries, head);
    assert.equal(v.checkpoints.valid, 3);
    assert.equal(v.checkpoints.latest?.seq, head);
    assert.equal(v.unanchored, 0);
    assert.equal(await t.hub.checkpointAudit(), undefined, 'the head has not moved');
  });

  // every attack below edits the SQLite file
  describe('tampered in the SQLite file', { skip: sqliteFileOnly }, () => {
    test('an edited payload is named', async () => {
      const { broken } = await tampered((db) => {
        const r = rows(db).find((x) => x.id === accept)!;
        db.prepare('UPDATE audit_log SET payload = ? WHERE id = ?').run(
          r.payload.replace(NGHE_AN, '000.00.01.H41'),
          accept,
        );
      });
      assert.deepEqual(pick(broken), { id: accept, kind: 'edited' });
    });

    test('an edited column (the actor) is named, though the payload is intact', async () => {
      const { broken } = await tampered((db) =>
        db.prepare("UPDATE audit_log SET actor = 'someone' WHERE id = ?").run(accept),
      );
      assert.deepEqual(pick(broken), { id: accept, kind: 'edited' });
      assert.match(broken!.message, /actor/);
    });

    test('a changed stored hash is named as such', async () => {
      const { broken } = await tampered((db) =>
        db.prepare('UPDATE audit_log SET hash = ? WHERE id = ?').run('ab'.repeat(32), accept),
      );
      assert.deepEqual(pick(broken), { id: accept, kind: 'hash-mismatch' });
    });

    test('a deleted entry is named (the gap), also when the ids are renumbered to hide it', async () => {
      const gap = await tampered((db) => db.prepare('DELETE FROM audit_log WHERE id = ?').run(accept));
      assert.deepEqual(pick(gap.broken), { id: accept, kind: 'deleted' });
      const renumbered = await tampered((db) => {
        db.prepare('DELETE FROM audit_log WHERE id = ?').run(accept);
        db.prepare('UPDATE audit_log SET id = id - 1 WHERE id > ?').run(accept);
      });
      assert.deepEqual(pick(renumbered.broken), { id: accept, kind: 'deleted' });
    });

    test('two entries swapped are named as reordered', async () => {
      const { broken } = await tampered((db) => {
        db.prepare('UPDATE audit_log SET id = -1 WHERE id = ?').run(accept);
        db.prepare('UPDATE audit_log SET id = ? WHERE id = ?').run(accept, accept + 1);
        db.prepare('UPDATE audit_log SET id = ? WHERE id = -1').run(accept + 1);
      });
      assert.deepEqual(pick(broken), { id: accept, kind: 'reordered' });
    });

    test('a forged entry slipped in with a correct hash is named as inserted', async () => {
      const { broken } = await tampered((db) => {
        const prev = rows(db).find((x) => x.id === accept - 1)!;
        for (const r of rows(db)
          .reverse()
          .filter((x) => x.id >= accept))
          db.prepare('UPDATE audit_log SET id = id + 1 WHERE id = ?').run(r.id);
        const at = new Date();
        const payload = JSON.stringify({
          action: 'agency-add',
          actor: 'admin',
          at: at.toISOString(),
          outcome: 'ok',
          subject: 'EVIL',
        });
        const hash = entryHash(prev.hash, chainEntry(accept, payload));
        db.prepare(
          "INSERT INTO audit_log (id, at, actor, action, subject, outcome, payload, prev_hash, hash) VALUES (?, ?, 'admin', 'agency-add', 'EVIL', 'ok', ?, ?, ?)",
        ).run(accept, at.getTime(), payload, prev.hash, hash);
      });
      assert.deepEqual(pick(broken), { id: accept, kind: 'inserted' });
    });

    test('an entry rewritten with every later hash recomputed is caught by the signed checkpoint', async () => {
      const { broken } = await tampered((db) => {
        const r = rows(db).find((x) => x.id === lone)!;
        db.prepare('UPDATE audit_log SET payload = ? WHERE id = ?').run(
          r.payload.replace('"first":true', '"first":false'),
          lone,
        );
        rehash(db, lone);
      });
      assert.deepEqual(pick(broken), { id: lone, kind: 'rewritten' });
      assert.deepEqual(broken!.range, { from: lone, to: lone }, 'checkpoints on both sides pin the entry down');
    });

    test('checkpoints forged to match a rewritten chain fail their signature', async () => {
      // the attacker's own CA, whose certificates say what the hub's say
      const root = await createRootCa();
      const intermediate = await createIntermediateCa(root);
      const forger = await issueHubCertificate(intermediate, { name: 'lienthong.test' });
      const { broken } = await tampered((db) => {
        db.prepare('UPDATE audit_log SET actor = ?, payload = replace(payload, ?, ?) WHERE id = ?').run(
          'x',
          '"actor":"admin"',
          '"actor":"x"',
          added,
        );
        rehash(db, added);
        db.exec('DELETE FROM audit_checkpoints');
        const h = rows(db).at(-1)!;
        const jws = signCheckpoint({ seq: h.id, hash: h.hash }, forger.privateKey, [
          forger.certificate,
          intermediate.certificate,
        ]);
        db.prepare('INSERT INTO audit_checkpoints (seq, hash, at, jws) VALUES (?, ?, ?, ?)').run(
          h.id,
          h.hash,
          Date.now(),
          jws,
        );
      });
      assert.deepEqual(pick(broken), { id: head, kind: 'checkpoint-invalid' });
      assert.match(broken!.message, /chain-untrusted/);
    });

    test('a checkpoint whose row was altered no longer matches what the hub signed', async () => {
      const { broken } = await tampered((db) => {
        db.exec('CREATE TEMP TABLE cp AS SELECT * FROM audit_checkpoints; DELETE FROM audit_checkpoints');
        db.exec(`INSERT INTO audit_checkpoints SELECT seq, '${'cd'.repeat(32)}', at, jws FROM cp`);
      });
      assert.equal(broken?.kind, 'checkpoint-invalid');
    });

    test('entries deleted from the end below a checkpoint are named as truncated', async () => {
      const { broken } = await tampered((db) => db.prepare('DELETE FROM audit_log WHERE id >= ?').run(head - 1));
      assert.deepEqual(pick(broken), { id: head - 1, kind: 'truncated' });
    });

    test('the hub refuses to sign a checkpoint over entries altered since the last one', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lt-audit-'));
      dirs.push(dir);
      await t.hub.close();
      await cp(t.dataDir, dir, { recursive: true });
      await t.reopen();
      const hub = await createHub(testConfig(dir), { logger: pino({ level: 'silent' }) });
      await hub.setAgencyEnabled('000.00.99.H41', false);
      await hub.setAgencyEnabled('000.00.99.H41', true);
      // edited in the live file, before the next checkpoint
      const db = new SQLite(join(dir, 'hub.sqlite'));
      db.exec('DROP TRIGGER audit_log_no_update');
      db.prepare("UPDATE audit_log SET payload = replace(payload, 'agency-disable', 'agency-enable') WHERE id = ?").run(
        head + 1,
      );
      db.close();
      await assert.rejects(hub.checkpointAudit(), AuditChainBroken);
      assert.equal((await hub.verifyAudit()).broken?.id, head + 1);
      await hub.close();
    });
  });
});
