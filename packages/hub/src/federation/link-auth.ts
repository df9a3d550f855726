// Signed hub-to-hub requests. Every request over a link carries:
//   x-lt-link-from, x-lt-link-to       the sending and the receiving hub's ids
//   x-lt-link-timestamp                 epoch milliseconds
//   x-lt-link-nonce                     16 random bytes, base64url: never accepted twice within the window
//   x-lt-link-body-sha256               hex SHA-256 of the body ('' body: the hash of nothing)
//   x-lt-link-meta                      base64url JSON the route needs (recipients, origin DocId, path); may be empty
//   x-lt-link-signature                 base64url Ed25519 signature over the canonical string below
// The receiving hub verifies it against the key it pinned for the claimed sender: unknown hub, wrong
// receiver, a timestamp outside the window, a replayed nonce or a bad signature are all 401.

import { createHash, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { HubError } from '../core/contract.js';

export const LINK_HEADERS = {
  from: 'x-lt-link-from',
  to: 'x-lt-link-to',
  timestamp: 'x-lt-link-timestamp',
  nonce: 'x-lt-link-nonce',
  bodySha256: 'x-lt-link-body-sha256',
  meta: 'x-lt-link-meta',
  signature: 'x-lt-link-signature',
  /** on answers: the answering hub's signature (responseSignatureString) */
  responseSignature: 'x-lt-link-response-signature',
} as const;

/**
 * What a hub signs in its answer to a link request: who answers whom, the request's nonce (so an answer
 * cannot be replayed to another request), the status and the body's SHA-256.
 */
export function responseSignatureString(r: {
  from: string;
  to: string;
  nonce: string;
  status: number;
  bodySha256: string;
}): string {
  return ['lienthong-link-response-v1', r.from, r.to, r.nonce, String(r.status), r.bodySha256].join('\n');
}

export function signLinkResponse(
  key: KeyObject,
  r: { from: string; to: string; nonce: string; status: number; body: Uint8Array | string },
): string {
  const s = responseSignatureString({ ...r, bodySha256: sha256Hex(r.body) });
  return sign(null, Buffer.from(s), key).toString('base64url');
}

export function verifyLinkResponse(
  key: KeyObject,
  r: { from: string; to: string; nonce: string; status: number; body: Uint8Array | string; signature: string },
): boolean {
  const s = responseSignatureString({ ...r, bodySha256: sha256Hex(r.body) });
  return verify(null, Buffer.from(s), key, Buffer.from(r.signature, 'base64url'));
}

export const EMPTY_SHA256 = createHash('sha256').digest('hex');

export interface LinkRequestParts {
  from: string;
  to: string;
  method: string;
  /** path and query as sent */
  path: string;
  timestamp: string;
  nonce: string;
  bodySha256: string;
  meta: string;
}

export function canonicalLinkString(p: LinkRequestParts): string {
  return [
    'lienthong-link-v1',
    p.from,
    p.to,
    p.method.toUpperCase(),
    p.path,
    p.timestamp,
    p.nonce,
    p.bodySha256,
    p.meta,
  ].join('\n');
}

/** The headers of a signed link request. */
export function signLinkRequest(
  key: KeyObject,
  r: { from: string; to: string; method: string; path: string; bodySha256: string; meta?: unknown; now?: Date },
): Record<string, string> {
  const parts: LinkRequestParts = {
    from: r.from,
    to: r.to,
    method: r.method,
    path: r.path,
    timestamp: String((r.now ?? new Date()).getTime()),
    nonce: randomBytes(16).toString('base64url'),
    bodySha256: r.bodySha256,
    meta: r.meta === undefined ? '' : Buffer.from(JSON.stringify(r.meta)).toString('base64url'),
  };
  const signature = sign(null, Buffer.from(canonicalLinkString(parts)), key).toString('base64url');
  return {
    [LINK_HEADERS.from]: parts.from,
    [LINK_HEADERS.to]: parts.to,
    [LINK_HEADERS.timestamp]: parts.timestamp,
    [LINK_HEADERS.nonce]: parts.nonce,
    [LINK_HEADERS.bodySha256]: parts.bodySha256,
    [LINK_HEADERS.meta]: parts.meta,
    [LINK_HEADERS.signature]: signature,
  };
}

export interface VerifiedLinkRequest {
  /** the authenticated peer hub */
  peer: string;
  /** the body's SHA-256 the peer signed: the body must match it */
  bodySha256: string;
  meta: unknown;
}

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** Verifies signed link requests against pinned peer keys; remembers nonces for the window. */
export class LinkVerifier {
  private readonly nonces = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly selfId: string,
    private readonly peers: ReadonlyMap<string, KeyObject>,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  verify(method: string, path: string, headers: Record<string, string | string[] | undefined>): VerifiedLinkRequest {
    const h = (name: string): string => {
      const v = headers[name];
      if (typeof v !== 'string') {
        throw new HubError('unauthenticated', `link request: header ${name} is missing (a signed hub link request)`, {
          path: name,
        });
      }
      return v;
    };
    const from = h(LINK_HEADERS.from);
    const key = this.peers.get(from);
    if (!key) {
      throw new HubError('unauthenticated', `link request: hub ${from} is not linked to this hub`, {
        path: LINK_HEADERS.from,
      });
    }
    const to = h(LINK_HEADERS.to);
    if (to !== this.selfId) {
      throw new HubError('unauthenticated', `link request: addressed to hub ${to}, this is ${this.selfId}`, {
        path: LINK_HEADERS.to,
      });
    }
    const timestamp = h(LINK_HEADERS.timestamp);
    const t = /^\d{1,15}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
    const now = this.now();
    if (!Number.isFinite(t) || Math.abs(now - t) > this.windowMs) {
      throw new HubError(
        'unauthenticated',
        `link request: timestamp ${timestamp} is outside the ${this.windowMs / 1000} s window around this hub's clock`,
        { path: LINK_HEADERS.timestamp },
      );
    }
    const nonce = h(LINK_HEADERS.nonce);
    if (!NONCE.test(nonce)) {
      throw new HubError('unauthenticated', 'link request: nonce must be 16-64 base64url characters', {
        path: LINK_HEADERS.nonce,
      });
    }
    const bodySha256 = h(LINK_HEADERS.bodySha256);
    if (!HEX64.test(bodySha256)) {
      throw new HubError('unauthenticated', 'link request: body SHA-256 must be 64 lowercase hex digits', {
        path: LINK_HEADERS.bodySha256,
      });
    }
    const meta = typeof headers[LINK_HEADERS.meta] === 'string' ? (headers[LINK_HEADERS.meta] as string) : '';
    const signature = Buffer.from(h(LINK_HEADERS.signature), 'base64url');
    const canonical = canonicalLinkString({ from, to, method, path, timestamp, nonce, bodySha256, meta });
    if (!verify(null, Buffer.from(canonical), key, signature)) {
      throw new HubError(
        'unauthenticated',
        `link request: the signature does not verify with hub ${from}'s pinned key`,
        {
          path: LINK_HEADERS.signature,
        },
      );
    }
    // only a verified request spends its nonce (a forger cannot burn nonces)
    this.sweep(now);
    const seen = `${from}\n${nonce}`;
    if (this.nonces.has(seen)) {
      throw new HubError('unauthenticated', `link request: nonce ${nonce} was already used (a replayed request)`, {
        path: LINK_HEADERS.nonce,
      });
    }
    this.nonces.set(seen, t + this.windowMs);
    let parsed: unknown;
    if (meta !== '') {
      try {
        parsed = JSON.parse(Buffer.from(meta, 'base64url').toString('utf8'));
      } catch {
        throw new HubError('bad-request', 'link request: x-lt-link-meta is not base64url JSON', {
          path: LINK_HEADERS.meta,
        });
      }
    }
    return { peer: from, bodySha256, meta: parsed };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [k, expires] of this.nonces) if (expires < now) this.nonces.delete(k);
  }
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
