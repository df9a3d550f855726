import type { FastifyInstance } from 'fastify';

/**
 * In this plugin scope, every body of every content type (or none) reaches the handler as the raw request stream,
 * unread: uploads are streamed to the hub, never buffered (Fastify's bodyLimit does not apply; the hub enforces
 * `limits.maxBodyBytes` while streaming).
 */
export function acceptRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
}
