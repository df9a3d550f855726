import { HubError, type HubErrorCode } from '../core/contract.js';

const STATUS_CODES: Record<number, HubErrorCode> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'too-large',
  415: 'bad-request',
  422: 'invalid-package',
  503: 'unavailable',
};

/**
 * The HubError an error stands for: HubErrors as they are, parser errors and Fastify's own client errors
 * (validation, content type, …) translated; undefined for anything else, which is a bug in the hub.
 */
export function asHubError(err: unknown): HubError | undefined {
  if (err instanceof HubError) return err;
  if (!(err instanceof Error)) return undefined;
  if (err.name === 'HubError' && typeof (err as HubError).code === 'string') return err as HubError;
  if (err.name === 'EdxmlError') {
    const code = (err as Error & { code: string }).code;
    const path = (err as Error & { path?: string }).path || undefined;
    const hubCode: HubErrorCode =
      code === 'missing-element' || code === 'invalid-value' ? 'invalid-package' : 'bad-package';
    return new HubError(hubCode, err.message, { path, cause: err });
  }
  const e = err as Error & { statusCode?: number; validation?: unknown; code?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new HubError('too-large', e.message, { cause: err });
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new HubError(STATUS_CODES[e.statusCode] ?? 'bad-request', e.message, { cause: err });
  }
  return undefined;
}
