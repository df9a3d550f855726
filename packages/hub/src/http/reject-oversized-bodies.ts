import type { FastifyInstance } from 'fastify';
import { HubError } from '../core/contract.js';

/** Refuses, before reading a byte of it, a body whose declared Content-Length is over the limit. */
export function rejectOversizedBodies(app: FastifyInstance, maxBodyBytes: number): void {
  app.addHook('onRequest', async (request) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      throw new HubError(
        'too-large',
        `the body is ${declared} bytes (Content-Length); this hub accepts at most ${maxBodyBytes} bytes`,
      );
    }
  });
}
