// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that pushes
// the WAL past its threshold: on the connection's thread, it copies the log's pages into the database
// file and fsyncs both, and every request waits meanwhile (≈ 0.06 ms per accepted package at intake,
// 10–15 % of its throughput: docs/BENCHMARKS.md, session 5). Here a worker thread with its own connection
// to the same file runs PASSIVE checkpoints whenever another connection has committed since its last look
// (`PRAGMA data_version`). A passive checkpoint takes no lock a writer waits for, so the event loop's
// commits go on while pages are copied.
//
// The writer's automatic checkpoint stays as a backstop at a higher threshold. SQLite rewinds the WAL to
// its start only when a write transaction begins with every frame already copied, which a checkpointer
// running beside a busy writer seldom sees; the backstop checkpoint on the writer's own thread is then
// cheap (the pages are copied already) and lets the next transaction rewind the log. If the worker
// fails, the writer goes back to SQLite's default threshold: nothing depends on the worker for
// correctness, only for speed.

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** WAL pages (4 KiB) after which the writer checkpoints on its own thread anyway */
export const BACKSTOP_CHECKPOINT_PAGES = 4096;
/** SQLite's own default, restored when the worker is gone */
const DEFAULT_CHECKPOINT_PAGES = 1000;
/** how often the worker looks for new commits */
const POLL_MS = 100;

export interface WalCheckpointerStats {
  /** passive checkpoints the worker ran */
  checkpoints: number;
  /** WAL frames those checkpoints copied into the database file */
  framesCopied: number;
  /** the worker's failure, if it failed (the writer then checkpoints by itself again) */
  failure?: string;
}

/** The writer's side: sets its automatic checkpoint threshold (`PRAGMA wal_autocheckpoint`). */
export type SetAutocheckpoint = (pages: number) => void;

type WorkerReport = { backfilled: number } | { failure: string } | { closed: true };

// The worker's code is plain JavaScript run with `eval`: from the sources (tests under tsx) a .ts
// entry point would need TypeScript registered in the worker first, which costs far more than the
// worker's whole job. It only opens the file and polls.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
} catch (err) {
  parentPort.postMessage({ failure: 'cannot open ' + workerData.file + ': ' + (err && err.message) });
  process.exit(0);
}
let version = db.pragma('data_version', { simple: true });
let pending = true;
const timer = setInterval(() => {
  try {
    const now = db.pragma('data_version', { simple: true });
    if (now !== version) { version = now; pending = true; }
    if (!pending) return;
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    // busy: another checkpoint held the lock; try again at the next tick
    pending = r.busy !== 0 || r.checkpointed < r.log;
    parentPort.postMessage({ backfilled: Math.max(0, r.checkpointed) });
  } catch (err) {
    clearInterval(timer);
    parentPort.postMessage({ failure: String(err && err.message) });
    db.close();
  }
}, workerData.pollMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.postMessage({ closed: true });
  parentPort.close();
});
`;

export class WalCheckpointer {
  readonly stats: WalCheckpointerStats = { checkpoints: 0, framesCopied: 0 };
  private worker: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  private closing = false;
  /** the WAL's backfilled frame count at the previous checkpoint */
  private lastBackfilled = 0;

  constructor(
    private readonly file: string,
    private readonly setAutocheckpoint: SetAutocheckpoint,
    private readonly pollMs = POLL_MS,
  ) {}

  /** Starts the worker (once; later calls do nothing). The store calls it on its first commit. */
  start(): void {
    if (this.worker || this.closing || this.stats.failure) return;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      name: 'lienthong-wal-checkpointer',
      workerData: { driver, file: this.file, pollMs: this.pollMs },
    });
    this.worker = worker;
    this.setAutocheckpoint(BACKSTOP_CHECKPOINT_PAGES);
    this.exited = new Promise((resolve) => {
      worker.on('message', (m: WorkerReport) => this.report(m));
      worker.on('error', (err) => this.fail(err.message));
      worker.on('exit', () => {
        if (!this.closing) this.fail('the checkpoint worker stopped');
        resolve();
      });
    });
    // after the listeners: a 'message' listener refs the worker again; it must never keep a process alive
    worker.unref();
  }

  /** Stops the worker after its current checkpoint; the writer's connection may then close. */
  async close(): Promise<void> {
    this.closing = true;
    // unref'd while it runs (it must not keep a process alive); waited for now
    this.worker?.ref();
    this.worker?.postMessage('close');
    await this.exited;
    this.worker = undefined;
  }

  private report(m: WorkerReport): void {
    if ('failure' in m) {
      this.fail(m.failure);
      return;
    }
    if ('closed' in m) return;
    this.stats.checkpoints++;
    // the WAL's count of frames copied so far: it grows until the writer rewinds the log
    this.stats.framesCopied += m.backfilled >= this.lastBackfilled ? m.backfilled - this.lastBackfilled : m.backfilled;
    this.lastBackfilled = m.backfilled;
  }

  private fail(why: string): void {
    if (this.stats.failure || this.closing) return;
    this.stats.failure = why;
    try {
      this.setAutocheckpoint(DEFAULT_CHECKPOINT_PAGES);
    } catch {
      // the writer's connection is closed already: nothing left to checkpoint for
    }
  }
}
