// A SIGKILL at any moment loses nothing already answered and leaves no partial document.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { as, collectStream, sqliteFileOnly, startTestHub } from '../core/hub-test-support.js';

const CHILD = fileURLToPath(new URL('./crash-safety-child.js', import.meta.url));
const ROUNDS = 6;

function runAndKill(dataDir: string, afterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.startsWith('READY\n') && !timer) timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    let timer: NodeJS.Timeout | undefined;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${err}`));
      else resolve([...out.matchAll(/^ACCEPTED ([0-9a-f]{24}) ([0-9a-f]{64})$/gm)].map((m) => `${m[1]} ${m[2]}`));
    });
  });
}

test('SIGKILL during submissions: every answered DocId is complete and fetchable, nothing partial', {
  skip: sqliteFileOnly,
}, async () => {
  const t = await startTestHub();
  const dataDir = t.dataDir;
  await t.hub.close();
  const accepted: Array<{ docId: string; sha256: string }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const lines = await runAndKill(dataDir, 150 + Math.floor(Math.random() * 700));
    for (const l of lines) {
      const [docId, sha256] = l.split(' ') as [string, string];
      accepted.push({ docId, sha256 });
    }
  }
  assert.ok(accepted.length > 0, 'the child accepted something before being killed');

  const hub = await t.reopen();
  assert.deepEqual(readdirSync(join(dataDir, 'tmp')), [], 'temp files of killed uploads are removed at start-up');
  for (const { docId, sha256 } of accepted) {
    const tl = await hub.timeline(as('000.00.00.G22'), docId);
    assert.equal(tl.sha256, sha256);
    assert.deepEqual(tl.recipients.map((r) => r.code).sort(), ['000.00.00.H41', '000.00.00.H53']);
    assert.equal(tl.attachments.length, 2);
    const opened = await hub.openPackage(as('000.00.00.H41'), docId);
    const bytes = await collectStream(opened.stream);
    assert.equal(bytes.length, opened.size);
    for (const a of tl.attachments) {
      const att = await hub.openAttachment(as('000.00.00.H41'), docId, a.index);
      assert.equal(
        createHash('sha256')
          .update(await collectStream(att.stream))
          .digest('hex'),
        a.sha256,
      );
    }
  }
  await hub.close();

  // every committed document, answered or not, is whole
  const db = new SQLite(join(dataDir, 'hub.sqlite'), { readonly: true });
  const docs = db.prepare('SELECT doc_id, blob_key, sha256 FROM documents').all() as Array<{
    doc_id: string;
    blob_key: string;
    sha256: string;
  }>;
  const blobPath = (k: string) => join(dataDir, 'blobs', k.slice(0, 2), k.slice(2, 4), k);
  // a blob is a file, or (small ones) a row of inline_blobs committed with the document
  const inline = db.prepare('SELECT 1 FROM inline_blobs WHERE key = ?');
  const blobExists = (k: string) => existsSync(blobPath(k)) || inline.get(k) !== undefined;
  for (const d of docs) {
    assert.ok(blobExists(d.blob_key), `blob of ${d.doc_id}`);
    const n = db.prepare('SELECT count(*) AS n FROM deliveries WHERE doc_id = ?').get(d.doc_id) as { n: number };
    assert.equal(n.n, 2, `deliveries of ${d.doc_id}`);
    const atts = db.prepare('SELECT blob_key FROM attachments WHERE doc_id = ?').all(d.doc_id) as Array<{
      blob_key: string;
    }>;
    assert.equal(atts.length, 2);
    for (const a of atts) assert.ok(blobExists(a.blob_key), `attachment blob of ${d.doc_id}`);
  }
  assert.ok(docs.length >= accepted.length);
  db.close();
  const reopened = await t.reopen();
  assert.ok((await reopened.stats()).documents >= accepted.length);
  await t.dispose();
  console.log(`# crash test: ${ROUNDS} kills, ${accepted.length} answered, ${docs.length} committed`);
});
