// Intake workers that crash, exit or hang: the hub answers the package that was being analyzed with a
// clean 503 `unavailable`, replaces the worker, keeps the packages that only waited behind it, and
// goes on accepting packages. Workers that cannot start at all leave the hub on the event-loop path.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { HubError } from '../../core/contract.js';
import type { Hub } from '../../core/hub.js';
import { as, body, ctxOf, documentPackage, startTestHub, type TestHub } from '../../core/hub-test-support.js';
import { IntakePool } from './intake-pool.js';

const SENDER = '000.00.00.H41';
const OTHER = '000.00.00.G22';

function faultyWorkerUrl(): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./faulty-worker.fixture${ext}`, import.meta.url);
}

async function submit(hub: Hub, subject?: string) {
  const bytes = await documentPackage(SENDER, [OTHER], subject ? { subject } : {});
  return hub.submit({ principal: as(SENDER), body: body(bytes), messageType: 'auto' });
}

async function unavailable(p: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(p, (err) => {
    assert.ok(err instanceof HubError, String(err));
    assert.equal(err.code, 'unavailable');
    assert.equal(err.status, 503);
    assert.match(err.message, message);
    return true;
  });
}

describe('intake workers that fail', () => {
  let t: TestHub;
  let pool: IntakePool;

  before(async () => {
    t = await startTestHub();
    const ctx = ctxOf(t.hub);
    await ctx.intakeWorkers?.close();
    // one worker, two tasks at a time: a failing package and an innocent one share a worker
    pool = new IntakePool({
      size: 1,
      perWorker: 2,
      pki: ctx.pki,
      staleCrl: ctx.config.trust.staleCrl,
      maxAttachmentBytes: ctx.config.limits.maxBodyBytes,
      logger: pino({ level: 'silent' }),
      taskTimeoutMs: 3000,
      workerUrl: faultyWorkerUrl(),
    });
    ctx.intakeWorkers = pool;
  });
  after(async () => {
    await pool.close();
    await t.dispose();
  });

  test('a healthy package goes through the worker', async () => {
    const r = await submit(t.hub);
    assert.equal(r.duplicate, false);
    assert.equal(pool.analyzed, 1);
    assert.equal(pool.spawned, 1);
  });

  test('a worker that crashes on a package: that package is refused with 503 (after a second worker died on it too); the hub goes on', async () => {
    const before = (await t.hub.stats()).documents;
    await unavailable(submit(t.hub, 'CRASH-WORKER'), /failed twice; send it again/);
    assert.equal(pool.spawned, 3, 'the worker was replaced after each crash');
    assert.equal((await t.hub.stats()).documents, before, 'nothing stored');
    const r = await submit(t.hub);
    assert.equal(r.duplicate, false);
  });

  test('a worker that exits: the package waiting behind the one it died on is analyzed by its replacement', async () => {
    const spawned = pool.spawned;
    const [bad, good] = await Promise.allSettled([submit(t.hub, 'EXIT-WORKER'), submit(t.hub)]);
    assert.equal(bad.status, 'rejected');
    assert.equal((bad.reason as HubError).code, 'unavailable');
    assert.equal(good.status, 'fulfilled', String((good as PromiseRejectedResult).reason));
    assert.equal(pool.spawned, spawned + 2);
  });

  test('a worker that hangs: the package is refused with 503 once the task timeout passes, the worker is replaced', async () => {
    const spawned = pool.spawned;
    const [hung, good] = await Promise.allSettled([submit(t.hub, 'HANG-WORKER'), submit(t.hub)]);
    assert.equal(hung.status, 'rejected');
    assert.equal((hung.reason as HubError).code, 'unavailable');
    assert.match((hung.reason as HubError).message, /took more than 3000 ms/);
    assert.equal(good.status, 'fulfilled', String((good as PromiseRejectedResult).reason));
    assert.equal(pool.spawned, spawned + 1);
    assert.equal((await submit(t.hub)).duplicate, false);
  });

  test('the refusals are in the audit log like any other', async () => {
    const store = ctxOf(t.hub).store;
    const entries = await store.listAudit(0, 10_000);
    const refusals = entries.filter((e) => e.action === 'submit' && e.outcome === 'refused');
    assert.ok(refusals.length >= 3);
    assert.ok(refusals.every((e) => /could not be analyzed/.test(e.reason ?? '')));
  });
});

describe('intake workers that cannot start', () => {
  let t: TestHub;
  let pool: IntakePool;

  before(async () => {
    t = await startTestHub();
    const ctx = ctxOf(t.hub);
    await ctx.intakeWorkers?.close();
    pool = new IntakePool({
      size: 2,
      pki: ctx.pki,
      staleCrl: ctx.config.trust.staleCrl,
      maxAttachmentBytes: ctx.config.limits.maxBodyBytes,
      logger: pino({ level: 'silent' }),
      workerUrl: new URL('data:text/javascript,throw new Error("broken install")'),
    });
    ctx.intakeWorkers = pool;
  });
  after(async () => {
    await pool.close();
    await t.dispose();
  });

  test('packages are analyzed on the event loop instead', async () => {
    const first = await submit(t.hub);
    assert.equal(first.duplicate, false);
    assert.equal(pool.usable, false);
    assert.equal(pool.analyzed, 0);
    const spawned = pool.spawned;
    assert.equal((await submit(t.hub)).duplicate, false);
    assert.equal(pool.spawned, spawned, 'no more workers are started');
  });
});
