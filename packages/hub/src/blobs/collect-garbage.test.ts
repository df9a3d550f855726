import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { as, body, collectStream, documentPackage, useTestHub } from '../core/hub-test-support.js';
import { startTestHub } from '../test-support/start-test-hub.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

/** a blob file no row references, as a crash between rename and commit leaves it */
async function plantOrphan(dataDir: string, bytes: Buffer, modifiedAt: Date): Promise<string> {
  const key = sha(bytes);
  const dir = join(dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, key), bytes);
  await utimes(join(dir, key), modifiedAt, modifiedAt);
  return key;
}

const pathOf = (dataDir: string, key: string) => join(dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4), key);

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out;
}

describe('collectGarbage', () => {
  const t = useTestHub();

  test('removes old orphans only: referenced blobs and young orphans stay, dry-run removes nothing', async () => {
    // large enough for both the raw body and the attachment to be files, not inline
    const content = randomBytes(400 * 1024);
    const accepted = await t.hub.submit({
      principal: as('000.00.00.G22'),
      body: body(
        await documentPackage('000.00.00.G22', ['000.00.00.H41'], {
          attachments: [{ attachmentName: 'lon.pdf', contentType: 'application/pdf', content }],
        }),
      ),
      messageType: 'edoc',
    });
    // the accepted document's files are old too: only their references keep them
    const referenced = await filesUnder(join(t.dataDir, 'blobs'));
    assert.equal(referenced.length, 2);
    for (const f of referenced) await utimes(f, hoursAgo(5), hoursAgo(5));

    const old = randomBytes(300 * 1024);
    const oldKey = await plantOrphan(t.dataDir, old, hoursAgo(2));
    const youngKey = await plantOrphan(t.dataDir, randomBytes(1000), hoursAgo(0.5));

    const dry = await t.hub.collectGarbage({ dryRun: true });
    assert.deepEqual(dry, { scanned: 4, orphans: 1, orphanBytes: old.length, removed: 0, bytesFreed: 0, dryRun: true });
    assert.ok(existsSync(pathOf(t.dataDir, oldKey)), 'dry-run removes nothing');

    const before = (await t.hub.listAudit(0, 10_000)).length;
    const report = await t.hub.collectGarbage();
    assert.deepEqual(report, {
      scanned: 4,
      orphans: 1,
      orphanBytes: old.length,
      removed: 1,
      bytesFreed: old.length,
      dryRun: false,
    });
    assert.equal(existsSync(pathOf(t.dataDir, oldKey)), false);
    assert.ok(existsSync(pathOf(t.dataDir, youngKey)), 'an orphan younger than the guard is kept');
    for (const f of referenced) assert.ok(existsSync(f));

    const audit = (await t.hub.listAudit(0, 10_000)).slice(before);
    assert.deepEqual(
      audit.map((a) => [a.actor, a.action]),
      [['admin', 'gc']],
    );

    const pkg = await t.hub.openPackage(as('000.00.00.H41'), accepted.docId);
    assert.ok((await collectStream(pkg.stream)).length > 0);
    const att = await t.hub.openAttachment(as('000.00.00.H41'), accepted.docId, 0);
    assert.deepEqual(await collectStream(att.stream), content);

    const again = await t.hub.collectGarbage({ minAgeSeconds: 60 });
    assert.equal(again.removed, 1, 'with a shorter guard the younger orphan goes too');
    assert.equal((await t.hub.collectGarbage()).removed, 0, 'nothing left: nothing audited either');
    const gcs = (await t.hub.listAudit(0, 10_000)).filter((a) => a.action === 'gc');
    assert.equal(gcs.length, 2);
  });

  test('a commit reusing an old orphan refreshes it: the collector keeps it', async () => {
    const content = randomBytes(300 * 1024);
    const pkg = await documentPackage('000.00.00.G22', ['000.00.00.H41'], {
      attachments: [{ attachmentName: 'lai.pdf', contentType: 'application/pdf', content }],
    });
    // the attachment's blob is there already, unreferenced and old (an earlier refused intake)
    const key = await plantOrphan(t.dataDir, content, hoursAgo(3));
    await t.hub.submit({ principal: as('000.00.00.G22'), body: body(pkg), messageType: 'edoc' });
    assert.ok((await stat(pathOf(t.dataDir, key))).mtimeMs > hoursAgo(1).getTime());
    await t.hub.collectGarbage();
    assert.ok(existsSync(pathOf(t.dataDir, key)));
  });
});

test('startHub collects in the background and logs the figures', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'lt-gc-start-'));
  const key = await plantOrphan(dataDir, randomBytes(5000), hoursAgo(2));
  const t = await startTestHub({ dataDir });
  try {
    const deadline = Date.now() + 10_000;
    while (!t.logs().includes('orphan blobs collected') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const line = t
      .logs()
      .split('\n')
      .find((l) => l.includes('orphan blobs collected'));
    assert.ok(line, t.logs());
    assert.equal(JSON.parse(line).bytesFreed, 5000);
    assert.equal(existsSync(pathOf(dataDir, key)), false);
    const gc = (await t.hub.listAudit(0, 10_000)).filter((a) => a.action === 'gc');
    assert.deepEqual(
      gc.map((a) => a.actor),
      ['hub'],
    );
  } finally {
    await t.stop();
  }
});
