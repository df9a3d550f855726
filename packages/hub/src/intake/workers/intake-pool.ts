// A pool of worker threads that parse, validate, hash and signature-check held package bodies, so
// that the event loop keeps only HTTP, the database and the commit.
//
// - Workers start on first use (a hub that never receives a package starts none) and are unref'd
//   while idle: they never keep the process alive on their own.
// - A body travels as a view of a SharedArrayBuffer: not copied, and still here if the worker dies.
// - Each worker gets the hub's anchors and intermediates at start and the CRLs as `crls.current()`
//   gives them: before a task is posted, a worker whose CRLs are older than the current ones is sent
//   the new ones with it, so a task never sees CRLs older than the event loop would have used.
// - A worker that dies (uncaught error, exit) is replaced and its tasks are posted again, but a task
//   that two workers died on fails with 503 `unavailable` (it may be what kills them, so it is not
//   run on the event loop either); tasks that only waited behind it are not blamed. A task that runs longer than `taskTimeoutMs` has
//   its worker terminated and replaced, and fails with 503 at once; the worker's other task is
//   posted again. A worker that dies three times in a row before it is ready (a broken install)
//   makes the pool unusable: callers then take the event-loop path.

import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { Logger } from 'pino';
import { HubError } from '../../core/contract.js';
import type { HubPki } from '../../pki/hub-pki.js';
import type { HeldAnalysis, HeldParseError } from './analyze-held.js';
import type { TaskMessage, WorkerInit, WorkerMessage } from './intake-worker.js';

export interface IntakePoolOptions {
  /** number of worker threads (at least 1) */
  size: number;
  pki: Pick<HubPki, 'anchors' | 'intermediates' | 'crls' | 'chainCache'>;
  staleCrl: 'indeterminate' | 'accept';
  /** the parser's maxAttachmentBytes: the hub's body limit */
  maxAttachmentBytes: number;
  logger: Logger;
  /** a task running longer than this is taken as a hung worker (default 30 s) */
  taskTimeoutMs?: number;
  /** tasks posted to one worker at once (default 2: the next one is there when one finishes) */
  perWorker?: number;
  /** the worker's entry module (tests start faulty workers) */
  workerUrl?: URL;
}

/** The worker threw something other than a parser refusal: the caller redoes the package on the event loop. */
export interface AnalysisFailed {
  kind: 'failed';
  message: string;
}

export type AnalysisOutcome = HeldAnalysis | HeldParseError | AnalysisFailed;

interface Task {
  id: number;
  body: Uint8Array;
  /** workers that died while they had this task */
  losses: number;
  resolve(outcome: AnalysisOutcome): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** the task ids this worker has, in the order they were posted */
  tasks: Map<number, Task>;
  /** the CRL generation this worker holds */
  crlGeneration: number;
  /** terminated on purpose (timeout or close): its exit is expected */
  terminating: boolean;
}

const MAX_STARTUP_FAILURES = 3;

export class IntakePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private started = false;
  private closed = false;
  private startupFailures = 0;
  private broken = false;
  private crlObjects: readonly object[] = [];
  private crlDer: Uint8Array[] = [];
  private crlGeneration = 0;
  private readonly workerUrl: URL;
  private readonly timeoutMs: number;
  private readonly perWorker: number;
  /** workers started in all (replacements included) */
  spawned = 0;
  /** packages analyzed by a worker (whatever the outcome) */
  analyzed = 0;

  constructor(private readonly opts: IntakePoolOptions) {
    if (!(opts.size >= 1)) throw new Error('an intake pool needs at least one worker');
    this.timeoutMs = opts.taskTimeoutMs ?? 30_000;
    this.perWorker = opts.perWorker ?? 2;
    this.workerUrl = opts.workerUrl ?? defaultWorkerUrl();
  }

  /** false once closed, or when workers cannot start: callers take the event-loop path */
  get usable(): boolean {
    return !this.closed && !this.broken;
  }

  /**
   * Analyzes a held body in a worker. Resolves with the analysis, the parser's refusal, or `failed`
   * (redo it on the event loop); rejects with a 503 HubError when workers died with it or it hung.
   */
  analyze(body: Uint8Array): Promise<AnalysisOutcome> {
    if (this.closed) return Promise.reject(unavailable('the intake workers are stopped'));
    // workers that cannot start: the event loop does it
    if (this.broken) return Promise.resolve({ kind: 'failed', message: 'no intake workers' });
    if (!this.started) this.start();
    return new Promise<AnalysisOutcome>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, body, losses: 0, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(unavailable('the hub is shutting down'));
    await Promise.all(
      this.slots.splice(0).map((slot) => {
        slot.terminating = true;
        for (const task of slot.tasks.values()) this.settle(task).reject(unavailable('the hub is shutting down'));
        return slot.worker.terminate();
      }),
    );
  }

  private start(): void {
    this.started = true;
    this.syncCrls();
    for (let i = 0; i < this.opts.size; i++) this.spawn();
  }

  private spawn(): void {
    const { pki } = this.opts;
    const init: WorkerInit = {
      anchors: pki.anchors.map((c) => new Uint8Array(c.raw)),
      intermediates: pki.intermediates.map((c) => new Uint8Array(c.raw)),
      crls: this.crlDer,
      staleCrl: this.opts.staleCrl,
      chainCache: pki.chainCache !== undefined,
      maxAttachmentBytes: this.opts.maxAttachmentBytes,
    };
    const worker = startWorker(this.workerUrl, { workerData: { init }, name: 'lienthong-intake' });
    this.spawned++;
    const slot: Slot = {
      worker,
      ready: false,
      tasks: new Map(),
      crlGeneration: this.crlGeneration,
      terminating: false,
    };
    worker.unref();
    worker.on('message', (msg: WorkerMessage) => this.onMessage(slot, msg));
    worker.on('error', (err) => {
      this.opts.logger.error({ err }, 'an intake worker failed');
    });
    worker.on('messageerror', (err) => {
      this.opts.logger.error({ err }, 'an intake worker sent a message that could not be read');
    });
    worker.on('exit', (code) => this.onExit(slot, code));
    this.slots.push(slot);
  }

  private onMessage(slot: Slot, msg: WorkerMessage): void {
    if (msg.type === 'ready') {
      slot.ready = true;
      this.startupFailures = 0;
      // the time a worker takes to start is not its tasks' time
      this.timeHead(slot);
      return;
    }
    const task = slot.tasks.get(msg.id);
    if (!task) return;
    slot.tasks.delete(msg.id);
    if (slot.tasks.size === 0) slot.worker.unref();
    this.timeHead(slot);
    const settled = this.settle(task);
    this.analyzed++;
    if (msg.type === 'result') settled.resolve(msg.result);
    else {
      this.opts.logger.warn(
        { err: msg.message },
        'intake worker could not analyze a package; redoing it on the event loop',
      );
      settled.resolve({ kind: 'failed', message: msg.message });
    }
    this.dispatch();
  }

  private onExit(slot: Slot, code: number): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    if (this.closed) return;
    if (!slot.terminating) {
      this.opts.logger.error({ code, tasks: slot.tasks.size }, 'an intake worker exited; starting another');
      if (!slot.ready && ++this.startupFailures >= MAX_STARTUP_FAILURES) this.broken = true;
    }
    // A worker works on its tasks in the order they were posted: the first is the one it died on
    // (it may be what killed it), the others only waited behind it and go back to the head of the queue.
    const again: Task[] = [];
    let first = true;
    for (const task of slot.tasks.values()) {
      this.settle(task);
      // a worker that never started, or that was ended for a task already failed, is not blamed on them
      if (first && slot.ready && !slot.terminating && ++task.losses >= 2) {
        task.reject(unavailable('the intake worker handling this package failed twice'));
      } else again.push(task);
      first = false;
    }
    if (this.broken) {
      this.opts.logger.error('intake workers cannot start; packages are analyzed on the event loop');
      for (const task of [...again, ...this.queue.splice(0)]) task.resolve({ kind: 'failed', message: 'no workers' });
      return;
    }
    this.queue.unshift(...again);
    this.spawn();
    this.dispatch();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const s of this.slots) {
        if (s.terminating || s.tasks.size >= this.perWorker) continue;
        if (!best || s.tasks.size < best.tasks.size) best = s;
      }
      if (!best) return;
      this.post(best, this.queue.shift()!);
    }
  }

  private post(slot: Slot, task: Task): void {
    this.syncCrls();
    const msg: TaskMessage = { type: 'task', id: task.id, body: task.body };
    if (slot.crlGeneration !== this.crlGeneration) {
      msg.crls = this.crlDer;
      slot.crlGeneration = this.crlGeneration;
    }
    slot.tasks.set(task.id, task);
    if (slot.tasks.size === 1) slot.worker.ref();
    this.timeHead(slot);
    slot.worker.postMessage(msg);
  }

  /**
   * Times the task the worker is working on: the first of its tasks (it takes them in order), once
   * the worker is ready. The others wait behind it and are timed when their turn comes.
   */
  private timeHead(slot: Slot): void {
    if (!slot.ready || slot.terminating) return;
    const head = slot.tasks.values().next().value as Task | undefined;
    if (!head || head.timer) return;
    head.timer = setTimeout(() => this.timedOut(slot, head), this.timeoutMs);
    head.timer.unref();
  }

  private timedOut(slot: Slot, task: Task): void {
    if (!slot.tasks.delete(task.id)) return;
    this.opts.logger.error({ timeoutMs: this.timeoutMs }, 'an intake worker hung on a package; replacing it');
    task.timer = undefined;
    task.reject(unavailable(`analyzing this package took more than ${this.timeoutMs} ms`));
    slot.terminating = true;
    // the exit handler posts its other tasks again and starts a replacement
    void slot.worker.terminate();
  }

  /** takes the task out of its timer; returns it for resolving */
  private settle(task: Task): Task {
    clearTimeout(task.timer);
    task.timer = undefined;
    return task;
  }

  /** notes a new CRL generation when the CRL cache holds other objects than last time */
  private syncCrls(): void {
    const current = this.opts.pki.crls.current();
    if (current.length === this.crlObjects.length && current.every((c, i) => c === this.crlObjects[i])) return;
    this.crlObjects = current;
    this.crlDer = current.map((c) => new Uint8Array(c.rawData));
    this.crlGeneration++;
  }
}

function unavailable(why: string): HubError {
  return new HubError('unavailable', `the package could not be analyzed: ${why}; send it again`);
}

/**
 * Runs from the sources (tests, tsx) need TypeScript in the worker too: the worker registers tsx
 * before it imports its .ts entry point (a worker does not inherit the parent's module hooks).
 */
function startWorker(url: URL, opts: WorkerOptions): Worker {
  if (url.protocol !== 'file:' || !url.pathname.endsWith('.ts')) return new Worker(url, opts);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { ...opts, eval: true });
}

function defaultWorkerUrl(): URL {
  // from the sources (tsx, tests) the module is .ts; built, .js
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./intake-worker-main${ext}`, import.meta.url);
}
