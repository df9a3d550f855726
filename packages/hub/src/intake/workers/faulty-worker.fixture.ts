// Tests only: an intake worker that fails on a marker in the package body.
//   "CRASH-WORKER": an uncaught error ends the thread while the task is under way
//   "EXIT-WORKER": the thread exits (code 70)
//   "HANG-WORKER": the thread spins forever (the pool's task timeout must end it)

import { parentPort, workerData } from 'node:worker_threads';
import { serveIntake, type WorkerInit } from './intake-worker.js';

if (!parentPort) throw new Error('faulty-worker.fixture runs as a worker thread');
serveIntake(parentPort, (workerData as { init: WorkerInit }).init, {
  beforeTask(body) {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    if (text.includes('CRASH-WORKER')) {
      return new Promise(() => {
        setImmediate(() => {
          throw new Error('intake worker crashed (test)');
        });
      });
    }
    if (text.includes('EXIT-WORKER')) process.exit(70);
    if (text.includes('HANG-WORKER')) for (;;) {}
  },
});
