// The request body's chunks, as bytes, for the intake's two readers (the held-body path and the
// streaming pass): an aborted upload or a failing body is refused as a truncated upload (400).

import type { Readable } from 'node:stream';
import { HubError } from '../core/contract.js';

/**
 * Yields the body's chunks. Stopping early (a break, a thrown limit) leaves the request readable, so
 * that the front end can still answer it or another reader go on with it.
 */
export async function* requestChunks(body: Readable): AsyncGenerator<Uint8Array> {
  // An aborted upload destroys the body with the reason, which rejects the pending next().
  // (Racing each next() against a long-lived "aborted" promise would pin every chunk in memory:
  // each race leaves a reaction on that promise that holds its result.)
  const onAborted = () => body.destroy(truncated('the client aborted the request'));
  body.once('aborted', onAborted);
  const it = body.iterator({ destroyOnReturn: false });
  try {
    for (;;) {
      let step: IteratorResult<unknown>;
      try {
        step = await it.next();
      } catch (err) {
        throw err instanceof HubError ? err : truncated((err as Error).message || 'the request body failed');
      }
      if (step.done) return;
      yield toBytes(step.value);
    }
  } finally {
    body.off('aborted', onAborted);
    // stop reading: tells a Readable body we are done with it (no-op once it ended)
    await it.return?.();
  }
}

export function truncated(why: string): HubError {
  return new HubError('bad-package', `truncated upload: ${why}`);
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  throw new HubError('bad-request', 'the request body must be bytes');
}
