import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { asHubError } from '../as-hub-error.js';

/** `{error: {code, message, path?, requestId}}` with the HubError's HTTP status; anything else is a logged 500. */
export async function v1ErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (!request.raw.complete) reply.header('connection', 'close');
  const hubError = asHubError(err);
  if (hubError) {
    const path = hubError.path ?? validationPath(err);
    request.log.info({ err: { code: hubError.code, message: hubError.message } }, 'request refused');
    return reply.code(hubError.status).send({
      error: { code: hubError.code, message: hubError.message, ...(path ? { path } : {}), requestId: request.id },
    });
  }
  request.log.error({ err }, 'request failed: internal error');
  return reply.code(500).send({
    error: { code: 'internal', message: `internal error (request id ${request.id})`, requestId: request.id },
  });
}

function validationPath(err: FastifyError): string | undefined {
  const first = err.validation?.[0];
  if (!first) return undefined;
  const missing = (first.params as { missingProperty?: string } | undefined)?.missingProperty;
  return `${err.validationContext ?? ''}${first.instancePath}${missing ? `/${missing}` : ''}`;
}
