// Checkpoints over many entries: verified a page at a time, pages linked to one another, the event loop free
// between pages.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import type { HubContext } from '../core/hub-context.js';
import { ctxOf, sqliteFileOnly, startTestHub } from '../core/hub-test-support.js';
import { recordAudit } from './audit-trail.js';
import { AuditChainBroken } from './checkpoint-audit.js';

/** more than two of the checkpoint's pages */
const ENTRIES = 1_200;

async function appendEntries(ctx: HubContext, n: number): Promise<void> {
  for (let done = 0; done < n; done += 100) {
    await ctx.store.transaction(async (tx) => {
      for (let i = done; i < Math.min(n, done + 100); i++) {
        await recordAudit(tx, { actor: 'test', action: 'test-entry', subject: `entry-${i}` });
      }
    });
  }
}

test('a checkpoint over many entries lets the event loop turn between its pages, and signs the head', async () => {
  const t = await startTestHub();
  try {
    await t.hub.checkpointAudit();
    await appendEntries(ctxOf(t.hub), ENTRIES);
    let turns = 0;
    let spinning = true;
    const spin = () => {
      if (!spinning) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const checkpoint = await t.hub.checkpointAudit();
    spinning = false;
    const head = await ctxOf(t.hub).store.auditHead();
    assert.equal(checkpoint?.seq, head?.id);
    assert.ok(turns >= 2, `the event loop turned ${turns} times during the checkpoint`);
    assert.equal((await t.hub.verifyAudit()).valid, true);
  } finally {
    await t.dispose();
  }
});

test('an entry deleted past the first page is caught where the pages meet', { skip: sqliteFileOnly }, async () => {
  const t = await startTestHub();
  try {
    await t.hub.checkpointAudit();
    const from = (await ctxOf(t.hub).store.auditHead())!.id;
    await appendEntries(ctxOf(t.hub), ENTRIES);
    const db = new SQLite(join(t.dataDir, 'hub.sqlite'));
    db.exec('DROP TRIGGER audit_log_no_delete');
    db.prepare('DELETE FROM audit_log WHERE id = ?').run(from + 700);
    db.close();
    await assert.rejects(t.hub.checkpointAudit(), (err: Error) => {
      assert.ok(err instanceof AuditChainBroken);
      assert.match(err.message, /deleted/);
      return true;
    });
  } finally {
    await t.dispose();
  }
});
