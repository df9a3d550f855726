// One link's forwarder: delivers the outbox rows towards one peer hub in seq order. The head row is
// retried with exponential back-off and jitter (capped) until the peer answers; rows behind it wait,
// so everything crosses the link in the order it was committed. A refusal that retrying cannot cure
// (a 4xx other than 401/408/429: a loop, an invalid package) makes the row dead and is reported.

import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import type { HubContext } from '../core/hub-context.js';
import { spliceAt } from '../delivery/open-package.js';
import { hubTraceHeaderXml } from '../delivery/trace-splice.js';
import type { OutboxEntry } from '../store/store.js';
import type { AckMessage, Federation, LinkPeer } from './federation.js';
import { sha256Hex } from './link-auth.js';
import { type LinkAnswer, linkRequest } from './link-client.js';

const POLL_MS = 1000;
const BATCH = 50;
/** longer than a request may take (120 s), so a lease never lapses under a send in flight */
const LEASE_MS = 300_000;

type Outcome = { ok: true; remoteDocId?: string } | { ok: false; permanent: boolean; error: string };

export class LinkForwarder {
  private closed = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  /**
   * this node, as a lease holder (several hub nodes on one PostgreSQL database): stable across restarts of
   * the node (host and data directory), so a node killed and restarted takes its lease back at once
   */
  private readonly holder: string;

  constructor(
    private readonly ctx: HubContext,
    private readonly federation: Federation,
    private readonly peer: LinkPeer,
  ) {
    this.holder = `${hostname()}:${ctx.config.dataDir}`;
  }

  start(): void {
    this.running = this.loop();
  }

  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.running;
    // hand the link over at once to another node, if there is one
    await this.ctx.store.acquireLinkLease(this.peer.hubId, this.holder, new Date(0), 0).catch(() => undefined);
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      let waitMs = POLL_MS;
      try {
        waitMs = await this.drain();
      } catch (err) {
        if (this.closed) break;
        this.ctx.logger.warn({ peer: this.peer.hubId, err: (err as Error).message }, 'federation: forwarder failed');
      }
      if (waitMs > 0 && !this.closed) await this.sleep(waitMs);
    }
  }

  /** sends what is due; returns how long to wait before looking again (0: at once) */
  private async drain(): Promise<number> {
    this.kicked = false;
    const rows = await this.ctx.store.listWaitingOutbox(this.peer.hubId, BATCH);
    if (rows.length === 0) return POLL_MS;
    for (const row of rows) {
      if (this.closed) return 0;
      // one node at a time forwards a link; the lease is renewed before each entry
      if (!(await this.ctx.store.acquireLinkLease(this.peer.hubId, this.holder, new Date(), LEASE_MS))) {
        return POLL_MS * 5;
      }
      const due = row.nextAttemptAt.getTime() - Date.now();
      // the head waits for its retry time, and everything behind it waits for the head
      if (due > 0) return Math.min(due, POLL_MS * 5);
      const outcome = await this.send(row).catch(
        (err: Error): Outcome => ({ ok: false, permanent: false, error: err.message }),
      );
      const now = new Date();
      if (outcome.ok) {
        await this.ctx.store.transaction(async (tx) => {
          await tx.updateOutbox(row.seq, {
            state: 'sent',
            doneAt: now,
            lastError: null,
            attempts: row.attempts + 1,
            ...(outcome.remoteDocId ? { remoteDocId: outcome.remoteDocId } : {}),
          });
          await tx.recordLinkResult(this.peer.hubId, true, now);
          if (row.kind === 'package' && row.docId) {
            const forwarded: string[] = [];
            for (const r of row.recipients ?? []) {
              const [d] = await tx.getDeliveriesTo(row.docId, [r]);
              if (!d) continue;
              const expected = {
                state: d.state,
                ...(d.stateDescription === undefined ? {} : { stateDescription: d.stateDescription }),
              };
              // an acknowledgement from further down may have overtaken this answer: keep what it set
              if (d.state === 'forwarding') {
                await tx.updateDeliveryIf(row.docId, r, expected, {
                  state: 'pending',
                  stateDescription: `at hub ${this.peer.hubId} as ${outcome.remoteDocId ?? '?'}`,
                  updatedAt: now,
                });
              }
              forwarded.push(r);
            }
            await tx.insertEvents(
              forwarded.map((recipient) => ({
                docId: row.docId!,
                recipient,
                at: now,
                kind: 'forwarded',
                actor: this.federation.selfId,
                detail: `hub ${this.peer.hubId} accepted it as ${outcome.remoteDocId ?? '?'}`,
              })),
            );
          }
        });
        this.observe('ok');
        continue;
      }
      if (outcome.permanent) {
        this.ctx.logger.error(
          { peer: this.peer.hubId, seq: row.seq, docId: row.docId, error: outcome.error },
          'federation: the peer refused an outbox entry for good',
        );
        await this.ctx.store.transaction(async (tx) => {
          await tx.recordLinkResult(this.peer.hubId, false, now, outcome.error);
          await this.federation.markDead(tx, row, outcome.error);
        });
        this.observe('dead');
        continue;
      }
      const attempts = row.attempts + 1;
      const delay = backoff(attempts, this.ctx.config.federation.retryBaseMs, this.ctx.config.federation.retryMaxMs);
      this.ctx.logger.warn(
        { peer: this.peer.hubId, seq: row.seq, attempts, retryInMs: delay, error: outcome.error },
        'federation: delivery over the link failed; will retry',
      );
      await this.ctx.store.transaction(async (tx) => {
        await tx.updateOutbox(row.seq, {
          attempts,
          nextAttemptAt: new Date(now.getTime() + delay),
          lastError: outcome.error.slice(0, 1000),
        });
        await tx.recordLinkResult(this.peer.hubId, false, now, outcome.error.slice(0, 1000));
      });
      this.observe('retry');
      return delay;
    }
    return 0;
  }

  private observe(outcome: 'ok' | 'retry' | 'dead'): void {
    try {
      this.ctx.observer.linkDelivery?.(this.peer.hubId, outcome);
    } catch {
      // metrics never stop the forwarder
    }
  }

  private async send(row: OutboxEntry): Promise<Outcome> {
    if (row.kind === 'ack') {
      const body = Buffer.from(JSON.stringify({ messages: [row.payload as AckMessage] }));
      const answer = await this.request('/federation/v1/acks', body, sha256Hex(body), undefined, 'application/json');
      return judge(answer);
    }
    const doc = row.docId ? await this.ctx.store.getDocument(row.docId) : undefined;
    if (!doc) return { ok: false, permanent: true, error: `document ${row.docId} is not in this hub's store` };
    const inbound = await this.ctx.store.getInbound(doc.docId);
    const splice = hubTraceHeaderXml(doc, this.federation.selfId);
    const spliceBytes = splice === undefined ? undefined : Buffer.from(splice, 'utf8');
    const ctx = this.ctx;
    // the package as this hub serves it (its TraceHeader spliced in), read twice: to hash it, then to send it
    const served = async function* (): AsyncGenerator<Uint8Array> {
      const xml = await ctx.blobs.open(doc.blobKey, { start: doc.xmlStart, end: doc.xmlEnd });
      if (spliceBytes) yield* spliceAt(xml, doc.traceOffset! - doc.xmlStart, spliceBytes);
      else for await (const c of xml as Readable) yield c as Uint8Array;
    };
    const hash = createHash('sha256');
    for await (const c of served()) hash.update(c);
    const meta = {
      docId: doc.docId,
      messageType: doc.messageType,
      recipients: row.recipients ?? [],
      path: [...(inbound ? [...inbound.path, inbound.peer] : [])],
    };
    const answer = await this.request('/federation/v1/packages', served, hash.digest('hex'), meta, 'application/xml');
    const outcome = judge(answer);
    if (outcome.ok) {
      const id = (answer.body as { docId?: unknown } | undefined)?.docId;
      if (typeof id !== 'string')
        return { ok: false, permanent: false, error: 'the peer accepted it but sent no docId' };
      return { ok: true, remoteDocId: id };
    }
    return outcome;
  }

  private request(
    path: string,
    body: Buffer | (() => AsyncIterable<Uint8Array>),
    bodySha256: string,
    meta: unknown,
    contentType: string,
  ): Promise<LinkAnswer> {
    return linkRequest({
      baseUrl: this.peer.url,
      from: this.federation.selfId,
      to: this.peer.hubId,
      key: this.federation.identity.privateKey,
      method: 'POST',
      path,
      bodySha256,
      meta,
      body,
      contentType,
      timeoutMs: 120_000,
      peerKey: this.peer.key,
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.kicked) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}

function judge(answer: LinkAnswer): Outcome {
  if (answer.status >= 200 && answer.status < 300) return { ok: true };
  const err = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  const error = `${answer.status} ${err?.code ?? ''} ${err?.message ?? answer.text.slice(0, 300)}`.trim();
  const permanent = answer.status >= 400 && answer.status < 500 && ![401, 408, 429].includes(answer.status);
  return { ok: false, permanent, error };
}

/** base · 2^(attempts-1), capped, with jitter: between half and all of it */
export function backoff(attempts: number, baseMs: number, maxMs: number): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.min(30, attempts - 1));
  return Math.round(full / 2 + Math.random() * (full / 2));
}
