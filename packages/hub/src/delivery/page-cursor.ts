// Opaque page cursors: base64url of a small JSON object holding the last position seen.

import { HubError } from '../core/contract.js';

export function encodeCursor(position: number): string {
  return Buffer.from(JSON.stringify({ p: position }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { p?: unknown };
    if (typeof v.p === 'number' && Number.isSafeInteger(v.p) && v.p >= 0) return v.p;
  } catch {
    // reported below
  }
  throw new HubError('bad-request', 'invalid cursor', { path: 'cursor' });
}

export function pageLimit(requested: number | undefined, max: number, fallback = 50): number {
  if (requested === undefined) return Math.min(fallback, max);
  if (!Number.isInteger(requested) || requested < 1) {
    throw new HubError('bad-request', 'limit must be a positive integer', { path: 'limit' });
  }
  return Math.min(requested, max);
}
