// A memo of certification-path verdicts, so that a verifier checking many packages from the same
// signers pays for the chain (parsing, issuer signatures, CRL signatures and look-ups) once per
// (certificates, trust configuration, CRL generation) instead of once per package.
//
// The key names the certificates by SHA-256 fingerprint and the trust inputs (anchors,
// intermediates, CRLs) by object identity: a CRL refresh hands new CRL objects, so it is a new
// generation and nothing judged against the old CRLs is reused. A verdict is reused only at a time
// inside the window where every time-dependent check gives the same answer (every certificate valid
// or not in the same way, every CRL current or not in the same way), and for at most `maxAgeMs`
// (a CRL entry dated in the future, which the check ignores until then, takes effect within it).

import type { X509Certificate } from 'node:crypto';
import type { ChainResult } from './validate-chain.js';

interface Entry {
  result: ChainResult;
  summaries: unknown;
  /** the verdict holds for times in [from, until) */
  from: number;
  until: number;
  storedAt: number;
}

export class ChainCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxEntries = 1024,
    private readonly maxAgeMs = 60_000,
  ) {}

  /** the key of a chain question, or undefined when an input has no stable identity (PEM text) */
  key(certificates: readonly X509Certificate[], trust: readonly unknown[], flags: string): string | undefined {
    const parts = certificates.map((c) => c.fingerprint256);
    for (const input of trust) {
      if (typeof input !== 'object' || input === null) return undefined;
      let id = this.ids.get(input);
      if (id === undefined) {
        id = this.nextId++;
        this.ids.set(input, id);
      }
      parts.push(String(id));
    }
    parts.push(flags);
    return parts.join('|');
  }

  get(key: string, now: Date): { result: ChainResult; summaries: unknown } | undefined {
    const e = this.entries.get(key);
    const t = now.getTime();
    if (!e || t < e.from || t >= e.until || Date.now() - e.storedAt > this.maxAgeMs) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return { result: e.result, summaries: e.summaries };
  }

  set(key: string, result: ChainResult, summaries: unknown, window: { from: number; until: number }): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { result, summaries, ...window, storedAt: Date.now() });
  }
}

/** Times between which the time-dependent checks of a chain do not change their answer. */
export function chainWindow(
  chain: readonly X509Certificate[],
  crls: readonly { thisUpdate: Date; nextUpdate?: Date | null }[],
  now: Date,
): { from: number; until: number } {
  const t = now.getTime();
  let from = Number.NEGATIVE_INFINITY;
  let until = Number.POSITIVE_INFINITY;
  const edge = (at: number) => {
    if (at <= t) from = Math.max(from, at);
    else until = Math.min(until, at);
  };
  for (const c of chain) {
    edge(new Date(c.validFrom).getTime());
    // expiry is judged as now > validTo: the answer changes just after validTo
    edge(new Date(c.validTo).getTime() + 1);
  }
  for (const crl of crls) {
    edge(crl.thisUpdate.getTime() + 1);
    if (crl.nextUpdate) edge(crl.nextUpdate.getTime() + 1);
  }
  return { from, until };
}
