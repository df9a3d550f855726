import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** federation: per-link figures (Federation.links) */
export interface LinkStatsSource {
  links(): Promise<
    Array<{
      hubId: string;
      queueDepth: number;
      oldestWaitingSeconds?: number;
      dead: number;
      errorRate: number;
      lastSuccessAt?: Date;
    }>
  >;
}

export interface HubStatsSource {
  stats(): Promise<{ documents: number; pendingDeliveries: number; agencies: number; uninspectedAttachments: number }>;
  /** webhook notifications waiting and given up (all nodes: read from the store) */
  webhookQueueStats?(): Promise<{ pending: number; due: number; dead: number; oldestDueAt?: Date }>;
}

/** The hooks the hub core calls as packages flow (same shape as the core's HubObserver). */
export interface MetricsObserver {
  accepted(messageType: string, bytes: number, ms: number): void;
  refused(code: string): void;
  acked(state: string): void;
  delivered(): void;
  webhookAttempt(outcome: 'sent' | 'failed' | 'dead' | 'skipped'): void;
  linkDelivery(peer: string, outcome: string): void;
}

export interface HubMetrics {
  registry: Registry;
  observer: MetricsObserver;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  /** where the gauges read documents / pending deliveries from, once the hub exists */
  bindStats(source: HubStatsSource): void;
  /** where the per-link gauges read from (federation) */
  bindLinks(source: LinkStatsSource): void;
}

/** One prom-client registry per hub (not the global one, so several hubs can share a process, as in tests). */
/**
 * `read` shared by every gauge of one scrape: the first call starts it, the calls made before it settles get
 * the same promise, and the next scrape (after a turn of the event loop) reads again.
 */
function perScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= read().finally(() => {
      setImmediate(() => {
        pending = undefined;
      });
    });
    return pending;
  };
}

export function createHubMetrics(): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let source: HubStatsSource | undefined;
  // The gauges are read in one scrape: share one stats() call between them.
  const readStats = perScrape(() => (source ? source.stats() : Promise.resolve(undefined)));

  const accepted = new Counter({
    name: 'lienthong_packages_accepted_total',
    help: 'Packages the hub accepted, by message type (edoc, status)',
    labelNames: ['message_type'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'lienthong_packages_refused_total',
    help: 'Packages the hub refused, by reason (HubError code)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const acks = new Counter({
    name: 'lienthong_acks_total',
    help: 'Transport acknowledgements, by state (done, fail, processing)',
    labelNames: ['state'],
    registers: [registry],
  });
  const delivered = new Counter({
    name: 'lienthong_deliveries_total',
    help: 'Packages handed to a recipient',
    registers: [registry],
  });
  const intake = new Histogram({
    name: 'lienthong_intake_duration_seconds',
    help: 'Time from the first body byte to the commit of an accepted package',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'lienthong_http_request_duration_seconds',
    help: 'HTTP request duration, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  /** a gauge set at scrape time from one of the snapshots above (shared by the gauges of one scrape) */
  const snapshotGauge = <S>(name: string, help: string, read: () => Promise<S | undefined>, value: (s: S) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const s = await read();
        if (s) this.set(value(s));
      },
    });
  snapshotGauge(
    'lienthong_deliveries_pending',
    'Deliveries not yet acknowledged done by their recipient',
    readStats,
    (s) => s.pendingDeliveries,
  );
  snapshotGauge(
    'lienthong_attachments_uninspected',
    'Attachments accepted and not yet inspected by the background inspector (PDF signatures, archives)',
    readStats,
    (s) => s.uninspectedAttachments,
  );
  snapshotGauge('lienthong_documents_total', 'Packages held by the store', readStats, (s) => s.documents);

  // Push delivery (delivery/webhooks/): attempts by outcome on this node; the queue from the store.
  const webhookAttempts = new Counter({
    name: 'lienthong_webhook_attempts_total',
    help: 'Webhook notification attempts ended on this node, by outcome: sent (2xx), failed (retried later), dead (dead-lettered), skipped (acknowledged or withdrawn first)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const readWebhookStats = perScrape(() =>
    (source?.webhookQueueStats ? source.webhookQueueStats() : Promise.resolve(undefined)).catch(() => undefined),
  );
  snapshotGauge(
    'lienthong_webhook_queue_depth',
    'Webhook notifications not yet acknowledged by a 2xx nor given up',
    readWebhookStats,
    (s) => s.pending,
  );
  snapshotGauge(
    'lienthong_webhook_dead_letters',
    'Webhook notifications given up after the horizon (lienthong webhooks dead-letters)',
    readWebhookStats,
    (s) => s.dead,
  );
  snapshotGauge(
    'lienthong_webhook_oldest_due_seconds',
    'How long the oldest due webhook notification has been waiting for its attempt (0: none due)',
    readWebhookStats,
    (s) => (s.oldestDueAt ? Math.max(0, (Date.now() - s.oldestDueAt.getTime()) / 1000) : 0),
  );
  // ---- federation: per link (peer hub id) ----
  let linkSource: LinkStatsSource | undefined;
  const readLinks = perScrape(() => (linkSource ? linkSource.links() : Promise.resolve([])));
  const linkGauge = (
    name: string,
    help: string,
    value: (l: Awaited<ReturnType<LinkStatsSource['links']>>[number]) => number | undefined,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['peer'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const l of await readLinks()) {
          const v = value(l);
          if (v !== undefined) this.set({ peer: l.hubId }, v);
        }
      },
    });
  linkGauge('lienthong_link_queue_depth', 'Outbox entries waiting to cross the link to this hub', (l) => l.queueDepth);
  linkGauge(
    'lienthong_link_oldest_waiting_seconds',
    'Age of the oldest outbox entry waiting for the link (0: none waiting)',
    (l) => l.oldestWaitingSeconds ?? 0,
  );
  linkGauge('lienthong_link_last_success_timestamp_seconds', 'When an entry last crossed the link (Unix time)', (l) =>
    l.lastSuccessAt ? l.lastSuccessAt.getTime() / 1000 : undefined,
  );
  linkGauge('lienthong_link_error_ratio', 'Failed attempts / all attempts over the link', (l) => l.errorRate);
  linkGauge(
    'lienthong_link_dead_entries',
    'Outbox entries the peer refused for good (reported, not retried)',
    (l) => l.dead,
  );
  const linkDeliveries = new Counter({
    name: 'lienthong_link_attempts_total',
    help: 'Attempts to deliver an outbox entry over a link, by peer and outcome (ok, retry, dead)',
    labelNames: ['peer', 'outcome'],
    registers: [registry],
  });

  return {
    registry,
    httpDuration,
    bindStats(s) {
      source = s;
    },
    bindLinks(s) {
      linkSource = s;
    },
    observer: {
      accepted(messageType, _bytes, ms) {
        accepted.inc({ message_type: messageType });
        intake.observe(ms / 1000);
      },
      refused(code) {
        refused.inc({ reason: code });
      },
      acked(state) {
        acks.inc({ state });
      },
      delivered() {
        delivered.inc();
      },
      webhookAttempt(outcome) {
        webhookAttempts.inc({ outcome });
      },
      linkDelivery(peer, outcome) {
        linkDeliveries.inc({ peer, outcome });
      },
    },
  };
}
