// Registration of an agency's webhook (`/v1/webhook`, the SDK, `lienthong webhook …`) and the operator's
// view of the dead letters (`lienthong webhooks dead-letters`). Every change is audited; the signing
// secret is shown once (at registration and rotation) and stored sealed with the master key.

import { recordAudit } from '../../audit/audit-trail.js';
import { HubError, type Principal } from '../../core/contract.js';
import type { HubContext } from '../../core/hub-context.js';
import type { SecretSealer } from '../../directory/secret-sealer.js';
import type {
  StoreOps,
  WebhookEvent,
  WebhookNotificationRecord,
  WebhookNotificationState,
  WebhookQueueStats,
  WebhookRecord,
} from '../../store/store.js';
import { newWebhookSecret } from './webhook-signature.js';
import { checkWebhookUrl } from './webhook-url.js';

export const WEBHOOK_EVENTS: readonly WebhookEvent[] = ['edoc', 'status'];

export interface WebhookInput {
  url: string;
  /** default: both */
  events?: WebhookEvent[];
}

/** A registered webhook as its agency sees it (never the secret, except right after it was made). */
export interface WebhookView {
  agency: string;
  url: string;
  events: WebhookEvent[];
  createdAt: Date;
  updatedAt: Date;
  /** notifications waiting to be sent, and given up (dead letters, which the operator may retry) */
  queue: { pending: number; deadLetters: number };
  /** the signing secret: present only in the answer that created it (registration, rotation) */
  secret?: string;
}

export interface DeadLetterQuery {
  agency?: string;
  limit?: number;
  states?: WebhookNotificationState[];
}

const sealContext = (agency: string) => `webhook:${agency}`;

export class WebhookService {
  constructor(
    private readonly ctx: HubContext,
    private readonly sealer: SecretSealer | undefined,
    /** told after a registration changed on this node (the dispatcher re-reads who has a webhook) */
    private readonly changed: () => void = () => {},
  ) {}

  private sealerOrThrow(): SecretSealer {
    if (!this.sealer) throw new Error('webhooks need the master key (HubContext.sealer)');
    return this.sealer;
  }

  /** the secret to sign with, or undefined when the agency has no webhook (any more) */
  openSecret(webhook: WebhookRecord): string {
    return this.sealerOrThrow().open(webhook.secretSealed, sealContext(webhook.agency));
  }

  private async owner(p: Principal, ops: StoreOps): Promise<string> {
    const agency = await ops.getAgency(p.systemId);
    if (!agency || agency.deleted || !agency.enabled) {
      throw new HubError('forbidden', `${p.systemId} is not an enabled agency of this hub`);
    }
    if (agency.tenantId) {
      throw new HubError(
        'forbidden',
        `${p.systemId} is a unit of ${agency.tenantId}: the tenant registers the webhook for its units`,
      );
    }
    return agency.code;
  }

  /**
   * Registers the agency's webhook, or changes its URL and events. A new registration gets a signing secret
   * (returned this once); a change keeps the secret (rotate it with `rotateSecret`) and the queue.
   */
  async set(p: Principal, input: WebhookInput, requestId?: string): Promise<WebhookView & { created: boolean }> {
    const url = checkWebhookUrl(input.url, this.ctx.config.webhooks.allowedHosts);
    const events = checkEvents(input.events);
    const now = new Date();
    const { webhook, secret } = await this.ctx.store.transaction(async (tx) => {
      const agency = await this.owner(p, tx);
      const existing = await tx.getWebhook(agency);
      const secret = existing ? undefined : newWebhookSecret();
      const webhook = await tx.putWebhook(
        {
          agency,
          url,
          events,
          secretSealed: existing ? existing.secretSealed : this.sealerOrThrow().seal(secret!, sealContext(agency)),
        },
        now,
      );
      await recordAudit(tx, {
        actor: p.systemId,
        action: existing ? 'webhook-update' : 'webhook-register',
        subject: agency,
        requestId,
        at: now,
        details: { url, events },
      });
      return { webhook, secret };
    });
    this.changed();
    const view = await this.view(webhook);
    return { ...view, ...(secret ? { secret } : {}), created: secret !== undefined };
  }

  async get(p: Principal): Promise<WebhookView> {
    const agency = await this.owner(p, this.ctx.store);
    const webhook = await this.ctx.store.getWebhook(agency);
    if (!webhook) throw new HubError('not-found', `${agency} has no webhook: register one with PUT /v1/webhook`);
    return this.view(webhook);
  }

  async delete(p: Principal, requestId?: string): Promise<void> {
    await this.ctx.store.transaction(async (tx) => {
      const agency = await this.owner(p, tx);
      if (!(await tx.deleteWebhook(agency))) throw new HubError('not-found', `${agency} has no webhook`);
      await recordAudit(tx, { actor: p.systemId, action: 'webhook-delete', subject: agency, requestId });
    });
    this.changed();
  }

  /** a new signing secret, in force at once for every call from now on (returned this once) */
  async rotateSecret(p: Principal, requestId?: string): Promise<WebhookView> {
    const secret = newWebhookSecret();
    const now = new Date();
    const webhook = await this.ctx.store.transaction(async (tx) => {
      const agency = await this.owner(p, tx);
      const existing = await tx.getWebhook(agency);
      if (!existing) throw new HubError('not-found', `${agency} has no webhook: register one with PUT /v1/webhook`);
      const updated = await tx.putWebhook(
        { ...existing, secretSealed: this.sealerOrThrow().seal(secret, sealContext(agency)) },
        now,
      );
      await recordAudit(tx, {
        actor: p.systemId,
        action: 'webhook-rotate-secret',
        subject: agency,
        requestId,
        at: now,
      });
      return updated;
    });
    return { ...(await this.view(webhook)), secret };
  }

  /** the operator's list: dead letters by default, oldest first */
  listNotifications(q: DeadLetterQuery = {}): Promise<WebhookNotificationRecord[]> {
    return this.ctx.store.listWebhookNotifications({
      states: q.states ?? ['dead'],
      ...(q.agency !== undefined ? { agency: q.agency } : {}),
      limit: q.limit ?? 1000,
    });
  }

  /** dead letters due again now with a new horizon: these ids, or every one (of an agency); audited */
  async retryDeadLetters(q: { ids?: string[]; agency?: string; actor?: string }): Promise<number> {
    const now = new Date();
    const n = await this.ctx.store.transaction(async (tx) => {
      const n = await tx.retryWebhookNotifications(
        { ...(q.ids ? { ids: q.ids } : {}), ...(q.agency !== undefined ? { agency: q.agency } : {}) },
        now,
        this.ctx.config.webhooks.horizonSeconds * 1000,
      );
      if (n > 0) {
        await recordAudit(tx, {
          actor: q.actor ?? 'admin',
          action: 'webhook-retry',
          ...(q.agency !== undefined ? { subject: q.agency } : {}),
          at: now,
          details: { retried: n, ...(q.ids ? { ids: q.ids } : { all: true }) },
        });
      }
      return n;
    });
    return n;
  }

  queueStats(agency?: string): Promise<WebhookQueueStats> {
    return this.ctx.store.webhookQueueStats(new Date(), agency);
  }

  private async view(w: WebhookRecord): Promise<WebhookView> {
    const stats = await this.ctx.store.webhookQueueStats(new Date(), w.agency);
    return {
      agency: w.agency,
      url: w.url,
      events: w.events,
      createdAt: w.createdAt,
      updatedAt: w.updatedAt,
      queue: { pending: stats.pending, deadLetters: stats.dead },
    };
  }
}

function checkEvents(events: WebhookEvent[] | undefined): WebhookEvent[] {
  if (events === undefined) return [...WEBHOOK_EVENTS];
  if (events.length === 0) {
    throw new HubError('bad-request', 'events: name at least one of edoc, status (or leave it out for both)', {
      path: '/body/events',
    });
  }
  for (const e of events) {
    if (!WEBHOOK_EVENTS.includes(e)) {
      throw new HubError('bad-request', `events: ${JSON.stringify(e)} is not one of edoc, status`, {
        path: '/body/events',
      });
    }
  }
  return WEBHOOK_EVENTS.filter((e) => events.includes(e));
}
