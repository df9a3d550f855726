/** An error answer of the /v1 API: `{"error":{"code","message","path","requestId"}}`. */
export class LienthongApiError extends Error {
  /** HTTP status */
  readonly status: number;
  /** machine-readable code, e.g. `invalid-package`, `not-found`, `unauthenticated` */
  readonly code: string;
  /** element path or parameter the error is about, when there is one */
  readonly path: string | undefined;
  readonly requestId: string | undefined;
  constructor(status: number, code: string, message: string, path?: string, requestId?: string) {
    super(message);
    this.name = 'LienthongApiError';
    this.status = status;
    this.code = code;
    this.path = path;
    this.requestId = requestId;
  }

  /** Build from an error answer's text, whatever shape it has. */
  static fromBody(status: number, text: string, requestId?: string): LienthongApiError {
    try {
      const body = JSON.parse(text) as { error?: Record<string, unknown>; message?: unknown; code?: unknown };
      const e = body.error && typeof body.error === 'object' ? body.error : (body as Record<string, unknown>);
      const code = typeof e['code'] === 'string' ? e['code'] : `http-${status}`;
      const message = typeof e['message'] === 'string' ? e['message'] : `HTTP ${status}`;
      const path = typeof e['path'] === 'string' ? e['path'] : undefined;
      const rid = typeof e['requestId'] === 'string' ? e['requestId'] : requestId;
      return new LienthongApiError(status, code, message, path, rid);
    } catch {
      return new LienthongApiError(
        status,
        `http-${status}`,
        text.trim().slice(0, 300) || `HTTP ${status}`,
        undefined,
        requestId,
      );
    }
  }
}
