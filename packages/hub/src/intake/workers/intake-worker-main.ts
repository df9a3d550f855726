// Entry point of an intake worker thread started by the IntakePool.

import { parentPort, workerData } from 'node:worker_threads';
import { serveIntake, type WorkerInit } from './intake-worker.js';

if (!parentPort) throw new Error('intake-worker-main runs as a worker thread');
serveIntake(parentPort, (workerData as { init: WorkerInit }).init);
