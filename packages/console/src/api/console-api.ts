// The console's HTTP client: same-origin fetch to /console/api with the session cookie, the CSRF token on
// every non-GET request, and the hub's errors `{error: {code, message, path?}}` turned into ApiError.
// A 401 on any call (the session ended) tells the app to show the sign-in page.

export type ConsoleRole = 'national_operator' | 'provincial_operator' | 'auditor' | 'clerk';

export interface Me {
  username: string;
  displayName: string;
  role: ConsoleRole;
  agencyCode?: string;
  agencyName?: string;
  csrfToken: string;
  expiresAt: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** the field or element the error is about, e.g. `/body/subject` or `recipients` */
    readonly path?: string,
    /** a 429's Retry-After, in seconds */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** the last segment of `path`: the form field the message belongs to */
  get field(): string | undefined {
    return this.path?.split('/').filter(Boolean).at(-1);
  }
}

export const API_BASE = '/console/api';

let csrfToken: string | undefined;
let onUnauthenticated: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** called when a request answers 401 (the session expired or was ended elsewhere) */
export function onSessionLost(fn: () => void): void {
  onUnauthenticated = fn;
}

async function call<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(payload !== undefined ? { body: payload } : {}),
      ...init,
    });
  } catch {
    throw new ApiError(0, 'network', 'network error: the hub cannot be reached');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; path?: string } } | undefined)?.error;
    if (res.status === 401 && path !== '/session') onUnauthenticated?.();
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiError(
      res.status,
      e?.code ?? `http-${res.status}`,
      e?.message ?? `HTTP ${res.status}`,
      e?.path,
      retryAfter > 0 ? retryAfter : undefined,
    );
  }
  return json as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => call<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => call<T>('PATCH', path, body ?? {}),
  del: <T>(path: string) => call<T>('DELETE', path),
  /** multipart/form-data (attachments); the browser sets the boundary */
  upload: <T>(path: string, form: FormData) => call<T>('POST', path, form),
};

/** URL of a GET resource (attachment download, PDF preview): the cookie authenticates it */
export const apiUrl = (path: string) => `${API_BASE}${path}`;

export async function fetchMe(): Promise<Me | undefined> {
  try {
    const me = await api.get<Me>('/session');
    setCsrfToken(me.csrfToken);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return undefined;
    throw e;
  }
}

export async function signIn(username: string, password: string): Promise<Me> {
  const me = await api.post<Me>('/session', { username, password });
  setCsrfToken(me.csrfToken);
  return me;
}

export async function signOut(): Promise<void> {
  try {
    await api.del('/session');
  } finally {
    setCsrfToken(undefined);
  }
}
