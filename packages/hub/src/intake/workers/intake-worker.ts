// The body of an intake worker thread: holds the hub's trust inputs (anchors, intermediates, the CRLs
// as the pool last sent them) and a ChainCache of its own, and analyzes the held packages it is sent,
// one at a time. Plain messages: see intake-pool.ts for the other side.

import type { MessagePort } from 'node:worker_threads';
import { ChainCache, toCertificates, toCrls } from '@lienthong/trust';
import type { IntakeTrust } from '../../signatures/intake-signature-check.js';
import { analyzeHeld, type HeldAnalysis, type HeldParseError } from './analyze-held.js';

export interface WorkerInit {
  anchors: Uint8Array[];
  intermediates: Uint8Array[];
  crls: Uint8Array[];
  staleCrl: 'indeterminate' | 'accept';
  chainCache: boolean;
  maxAttachmentBytes: number;
}

export interface TaskMessage {
  type: 'task';
  id: number;
  /** the package body (a view of a SharedArrayBuffer: the event loop keeps it) */
  body: Uint8Array;
  /** the CRLs (DER), when they changed since the last task this worker was sent */
  crls?: Uint8Array[];
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: HeldAnalysis | HeldParseError }
  | { type: 'failed'; id: number; message: string };

export interface WorkerHooks {
  /** called with each body before it is analyzed (tests make a worker crash or hang here) */
  beforeTask?(body: Uint8Array): void | Promise<void>;
}

export function serveIntake(port: MessagePort, init: WorkerInit, hooks: WorkerHooks = {}): void {
  const trust: IntakeTrust = {
    anchors: toCertificates(init.anchors),
    intermediates: toCertificates(init.intermediates),
    crls: toCrls(init.crls),
    staleCrl: init.staleCrl,
    ...(init.chainCache ? { chainCache: new ChainCache() } : {}),
  };
  let queue = Promise.resolve();
  port.on('message', (msg: TaskMessage) => {
    queue = queue.then(() => run(msg));
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);

  async function run(msg: TaskMessage): Promise<void> {
    if (msg.crls) trust.crls = toCrls(msg.crls);
    let reply: WorkerMessage;
    let transfer: ArrayBuffer[] = [];
    try {
      await hooks.beforeTask?.(msg.body);
      const result = await analyzeHeld(msg.body, init.maxAttachmentBytes, trust);
      if (result.kind === 'parsed') transfer = result.attachments.map((a) => a.bytes.buffer as ArrayBuffer);
      reply = { type: 'result', id: msg.id, result };
    } catch (err) {
      reply = { type: 'failed', id: msg.id, message: (err as Error)?.stack ?? String(err) };
    }
    port.postMessage(reply, transfer);
  }
}
