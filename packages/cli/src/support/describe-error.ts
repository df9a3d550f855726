import { ConnectionError, LienthongApiError, VxpError } from '@lienthong/client';
import { EXIT_REFUSED, EXIT_USAGE, UsageError } from './cli-error.js';

export interface DescribedError {
  exitCode: number;
  human: string;
  machine: Record<string, unknown>;
}

/** What to tell the user about a failed command, and with which exit code. */
export function describeError(err: unknown): DescribedError {
  if (err instanceof UsageError) {
    return { exitCode: EXIT_USAGE, human: `error: ${err.message}`, machine: { code: 'usage', message: err.message } };
  }
  if (err instanceof LienthongApiError) {
    const where = err.path ? ` (at ${err.path})` : '';
    const rid = err.requestId ? ` [request ${err.requestId}]` : '';
    return {
      exitCode: EXIT_REFUSED,
      human: `error: the hub refused (${err.status} ${err.code}): ${err.message}${where}${rid}`,
      machine: {
        status: err.status,
        code: err.code,
        message: err.message,
        ...(err.path ? { path: err.path } : {}),
        ...(err.requestId ? { requestId: err.requestId } : {}),
      },
    };
  }
  if (err instanceof VxpError) {
    return {
      exitCode: EXIT_REFUSED,
      human: `error: the hub refused ${err.operation} (ErrorCode ${err.errorCode}): ${err.errorDesc}`,
      machine: { status: err.httpStatus, code: err.errorCode, message: err.errorDesc, operation: err.operation },
    };
  }
  if (err instanceof ConnectionError) {
    return {
      exitCode: EXIT_REFUSED,
      human: `error: cannot reach the hub: ${err.message} (is it running? check --url / LIENTHONG_URL)`,
      machine: { code: 'connection', message: err.message },
    };
  }
  const e = err as { name?: string; code?: unknown; message?: string; path?: unknown; details?: unknown };
  // ConfigError and HubError of a local hub (serve, agency …)
  if (e?.name === 'ConfigError') {
    return { exitCode: EXIT_USAGE, human: `error: ${e.message}`, machine: { code: 'config', message: e.message } };
  }
  if (e?.name === 'HubError') {
    return {
      exitCode: EXIT_REFUSED,
      human: `error: refused (${String(e.code)}): ${e.message}`,
      machine: { code: e.code, message: e.message, ...(typeof e.path === 'string' ? { path: e.path } : {}) },
    };
  }
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = e?.message ?? String(err);
  return {
    exitCode: EXIT_REFUSED,
    human: `error: ${message}`,
    machine: { code: code ?? 'error', message, ...(e?.details !== undefined ? { details: e.details } : {}) },
  };
}
