// Certificate revocation lists from files or http(s) URLs, fetched at start-up and refreshed on a
// schedule. A source that fails keeps its last good CRLs; its error is logged and reported.

import { readFile } from 'node:fs/promises';
import type { CrlInput, toCrls } from '@lienthong/trust';
import type { Logger } from 'pino';

type Crl = ReturnType<typeof toCrls>[number];

export interface CrlSourceStatus {
  source: string;
  ok: boolean;
  count: number;
  lastRefresh?: Date;
  error?: string;
  /** the earliest nextUpdate among this source's CRLs */
  nextUpdate?: Date;
}

export class CrlCache {
  private readonly bySource = new Map<string, { crls: Crl[]; status: CrlSourceStatus }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sources: readonly string[],
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly parse: (inputs: readonly CrlInput[]) => Crl[],
  ) {}

  /** every CRL currently known */
  current(): Crl[] {
    return [...this.bySource.values()].flatMap((s) => s.crls);
  }

  status(): CrlSourceStatus[] {
    return this.sources.map((source) => this.bySource.get(source)?.status ?? { source, ok: false, count: 0 });
  }

  async refresh(): Promise<void> {
    await Promise.all(this.sources.map((source) => this.refreshOne(source)));
  }

  start(): void {
    if (this.timer || this.sources.length === 0) return;
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async refreshOne(source: string): Promise<void> {
    const previous = this.bySource.get(source);
    try {
      const bytes = await fetchSource(source);
      const text = bytes.subarray(0, 64).toString('latin1');
      const crls = this.parse([text.includes('-----BEGIN') ? bytes.toString('utf8') : bytes]);
      const nextUpdates = crls.map((c) => c.nextUpdate).filter((d): d is Date => d instanceof Date);
      const status: CrlSourceStatus = { source, ok: true, count: crls.length, lastRefresh: new Date() };
      if (nextUpdates.length > 0) status.nextUpdate = new Date(Math.min(...nextUpdates.map((d) => d.getTime())));
      this.bySource.set(source, { crls, status });
    } catch (err) {
      const error = (err as Error).message;
      this.logger.warn({ source, err: error }, 'CRL refresh failed; keeping the last good CRLs');
      this.bySource.set(source, {
        crls: previous?.crls ?? [],
        status: { ...(previous?.status ?? { source, count: 0 }), ok: false, error },
      });
    }
  }
}

async function fetchSource(source: string): Promise<Buffer> {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`${source}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }
  return readFile(source);
}
