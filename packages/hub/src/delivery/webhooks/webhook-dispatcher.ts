// Push delivery: derives a durable notification from every new delivery to an agency with a webhook,
// sends each as a signed POST, retries with exponential back-off and jitter until the receiver answers
// 2xx or the horizon passes (then it is a dead letter the operator may retry). Never sends a notification
// again once a 2xx was recorded, and never sends one whose delivery was acknowledged or withdrawn.
//
// Multi-node safe: deriving locks the cursor row; claiming takes due rows nobody holds (FOR UPDATE SKIP
// LOCKED on PostgreSQL) and leases them for the attempt. A node that dies leaves its claims to expire,
// after which any node takes them again. See docs/protocols/webhooks.md.

import { randomBytes } from 'node:crypto';
import { type HubContext, observe } from '../../core/hub-context.js';
import type { DocumentRecord, WebhookNotificationRecord, WebhookOutcome, WebhookRecord } from '../../store/store.js';
import { nextAttemptAt } from './webhook-backoff.js';
import type { WebhookService } from './webhook-service.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, WEBHOOK_ID_HEADER, webhookSignature } from './webhook-signature.js';

/** deliveries scanned per derive transaction */
const DERIVE_BATCH = 500;
/** a claim outlives the attempt's timeout by this much before another node may take it */
const LEASE_MARGIN_MS = 15_000;

/** What a receiver gets (JSON): enough to fetch the package, none of its content. */
export interface WebhookPayload {
  /** the notification's id, also in X-Lienthong-Webhook-Id: the same on every retry (deduplicate by it) */
  id: string;
  type: 'edoc' | 'status';
  docId: string;
  /** the sender (From) */
  from: string;
  /** the recipient the delivery is for (the agency itself, or a tenant's unit) */
  to: string;
  messageType: 'edoc' | 'status';
  subject?: string;
  codeNumber?: string;
  codeNotation?: string;
  /** status packages: the status code and description, and the DocId of the document they report on */
  statusCode?: string;
  statusDescription?: string;
  responseForDocId?: string;
  /** when the hub accepted the package */
  acceptedAt: string;
  /** when the notification was created */
  createdAt: string;
  /** 1 for the first attempt */
  attempt: number;
}

export function webhookPayload(n: WebhookNotificationRecord, d: DocumentRecord): WebhookPayload {
  const p: WebhookPayload = {
    id: n.id,
    type: n.type,
    docId: n.docId,
    from: d.sender,
    to: n.recipient,
    messageType: d.messageType,
    acceptedAt: d.acceptedAt.toISOString(),
    createdAt: n.createdAt.toISOString(),
    attempt: n.attempts,
  };
  if (d.subject !== undefined) p.subject = d.subject;
  if (d.codeNumber !== undefined) p.codeNumber = d.codeNumber;
  if (d.codeNotation !== undefined) p.codeNotation = d.codeNotation;
  if (d.statusCode !== undefined) p.statusCode = d.statusCode;
  if (d.statusDescription !== undefined) p.statusDescription = d.statusDescription;
  if (d.responseForDocId !== undefined) p.responseForDocId = d.responseForDocId;
  return p;
}

export type AttemptOutcome = 'sent' | 'failed' | 'dead' | 'skipped';

export class WebhookDispatcher {
  private readonly claimToken = () => `${this.node}.${randomBytes(6).toString('hex')}`;
  private readonly node = randomBytes(4).toString('hex');
  private readonly inFlight = new Set<Promise<void>>();
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  /** agencies (and units of tenants) with a webhook: a wake-up for anyone else waits for the next poll */
  private watched = new Set<string>();
  private watchedAt = 0;

  constructor(
    private readonly ctx: HubContext,
    private readonly service: WebhookService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = this.ctx.notifier.onWake((recipients) => {
      if (recipients === undefined || recipients.some((r) => this.watched.has(r))) this.kick();
    });
    this.timer = setInterval(() => this.kick(), this.ctx.config.webhooks.pollIntervalMs);
    this.timer.unref();
    this.kick();
  }

  /** looks at the queue now (or right after the look under way) */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) this.kick();
    });
  }

  /** who has a webhook changed: re-read it and look at the queue now */
  refresh(): void {
    this.watchedAt = 0;
    this.kick();
  }

  /** resolves when nothing is under way or due now (tests) */
  async whenIdle(): Promise<void> {
    for (;;) {
      if (this.running) await this.running;
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      if (!this.running && this.inFlight.size === 0) return;
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running?.catch(() => {});
    // attempts under way end within the timeout; their outcome is recorded
    await Promise.allSettled([...this.inFlight]);
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.refreshWatched();
        await this.derive();
        await this.claimAndSend();
      } catch (err) {
        this.ctx.logger.warn({ err }, 'webhook dispatcher: looking at the queue failed; trying again at the next poll');
        return;
      }
    } while (this.again && !this.stopped);
  }

  private async refreshWatched(): Promise<void> {
    const now = Date.now();
    if (now - this.watchedAt < this.ctx.config.webhooks.pollIntervalMs) return;
    this.watchedAt = now;
    const owners = await this.ctx.store.listWebhookOwners();
    const watched = new Set<string>(owners);
    for (const o of owners) {
      const a = await this.ctx.store.getAgency(o);
      if (a?.isTenant) for (const u of await this.ctx.store.listAgencies({ tenantId: o })) watched.add(u.code);
    }
    this.watched = watched;
  }

  private async derive(): Promise<void> {
    const horizonMs = this.ctx.config.webhooks.horizonSeconds * 1000;
    while (!this.stopped && (await this.ctx.store.webhookCursorLag()) > 0) {
      const at = this.now();
      const r = await this.ctx.store.transaction((tx) =>
        tx.deriveWebhookNotifications(DERIVE_BATCH, at, horizonMs, () => randomBytes(12).toString('hex')),
      );
      if (r.scanned < DERIVE_BATCH) break;
    }
  }

  private async claimAndSend(): Promise<void> {
    const cfg = this.ctx.config.webhooks;
    while (!this.stopped) {
      const free = cfg.concurrency - this.inFlight.size;
      if (free <= 0) return;
      const now = this.now();
      // a claim is a write transaction (on SQLite, an fsync): only when something is due
      if (!(await this.ctx.store.hasDueWebhookNotifications(now))) return;
      const claim = this.claimToken();
      const leaseUntil = new Date(now.getTime() + cfg.timeoutMs + LEASE_MARGIN_MS);
      const claimed = await this.ctx.store.transaction((tx) =>
        tx.claimWebhookNotifications(free, now, leaseUntil, claim),
      );
      for (const n of claimed) {
        const attempt = this.attempt(n, claim).finally(() => {
          this.inFlight.delete(attempt);
          // a slot is free: more may be due
          this.kick();
        });
        this.inFlight.add(attempt);
      }
      if (claimed.length < free) return;
    }
  }

  private async attempt(n: WebhookNotificationRecord, claim: string): Promise<void> {
    const store = this.ctx.store;
    let outcome: WebhookOutcome;
    let kind: AttemptOutcome;
    try {
      const [delivery] = await store.getDeliveriesTo(n.docId, [n.recipient]);
      const webhook = await store.getWebhook(n.agency);
      const skip = !delivery
        ? 'the delivery is gone'
        : delivery.state !== 'pending'
          ? `the delivery is ${delivery.state === 'withdrawn' ? 'withdrawn' : `acknowledged (${delivery.state})`}`
          : !webhook || n.deliverySeq <= webhook.fromSeq
            ? 'the agency has no webhook any more'
            : !webhook.events.includes(n.type)
              ? `the webhook no longer asks for ${n.type}`
              : undefined;
      const document = skip === undefined ? await store.getDocument(n.docId) : undefined;
      if (skip !== undefined || !webhook || !document) {
        kind = 'skipped';
        outcome = { state: 'skipped', at: this.now(), error: skip ?? 'the document is gone' };
      } else {
        const secret = this.openSecret(webhook);
        const result =
          secret === undefined
            ? {
                ok: false as const,
                detail: {
                  error:
                    'the signing secret cannot be opened with this node’s master key (do all nodes share LIENTHONG_MASTER_KEY?)',
                },
              }
            : await this.post(webhook.url, secret, webhookPayload(n, document));
        const at = this.now();
        if (result.ok) {
          kind = 'sent';
          outcome = { state: 'sent', at, status: result.status };
        } else {
          const next = nextAttemptAt(n.attempts, at, n.expiresAt, this.ctx.config.webhooks);
          kind = next ? 'failed' : 'dead';
          outcome = next
            ? { state: 'pending', at, nextAttemptAt: next, ...result.detail }
            : { state: 'dead', at, ...result.detail };
        }
      }
    } catch (err) {
      // the store failed (or the secret cannot be opened): the lease runs out and the attempt is made again
      this.ctx.logger.warn({ err, notification: n.id }, 'webhook attempt could not be made');
      return;
    }
    try {
      // through group commit: the outcomes of many attempts share one commit (one fsync on SQLite)
      const recorded = await store.transaction((tx) => tx.finishWebhookNotification(n.id, claim, outcome));
      if (!recorded) {
        this.ctx.logger.warn({ notification: n.id }, 'webhook attempt outlived its lease: outcome not recorded');
      }
    } catch (err) {
      this.ctx.logger.warn({ err, notification: n.id }, 'webhook outcome could not be recorded');
      return;
    }
    observe(this.ctx, (o) => o.webhookAttempt?.(kind));
    const log = { notification: n.id, agency: n.agency, docId: n.docId, attempt: n.attempts, outcome: kind };
    if (kind === 'dead') this.ctx.logger.warn({ ...log, error: outcome.error }, 'webhook notification dead-lettered');
    else this.ctx.logger.debug(log, 'webhook attempt');
  }

  private openSecret(webhook: WebhookRecord): string | undefined {
    try {
      return this.service.openSecret(webhook);
    } catch (err) {
      this.ctx.logger.error({ err, agency: webhook.agency }, 'webhook secret cannot be opened');
      return undefined;
    }
  }

  private async post(
    url: string,
    secret: string,
    payload: WebhookPayload,
  ): Promise<{ ok: true; status: number } | { ok: false; detail: { status?: number; error: string } }> {
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(this.now().getTime() / 1000);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': `lienthong-hub/${this.ctx.config.hubId}`,
          [WEBHOOK_ID_HEADER]: payload.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.ctx.config.webhooks.timeoutMs),
      });
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      return { ok: false, detail: { status: res.status, error: `answered HTTP ${res.status}` } };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const error =
        e.name === 'TimeoutError'
          ? `no answer within ${this.ctx.config.webhooks.timeoutMs} ms`
          : `${e.cause?.code ?? e.name}: ${e.cause?.message ?? e.message}`;
      return { ok: false, detail: { error } };
    }
  }
}
