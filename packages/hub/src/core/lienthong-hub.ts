// The Hub: every HubService operation, delegating to the part that owns it.

import type { CertificateInput } from '@lienthong/trust';
import { CheckpointScheduler } from '../audit/checkpoint-scheduler.js';
import { type AuditVerdict, verifyAuditLog } from '../audit/verify-audit-log.js';
import { collectGarbage, type GcOptions, type GcReport } from '../blobs/collect-garbage.js';
import { ConsoleService } from '../console/console-service.js';
import { initDemoConsole } from '../console/demo-accounts.js';
import { OpsConsole } from '../console/ops/ops-console.js';
import { type AckItem, acknowledge, acknowledgeMany } from '../delivery/acknowledge.js';
import { countPending, inbox } from '../delivery/inbox.js';
import { openAttachment, openPackage } from '../delivery/open-package.js';
import { sent } from '../delivery/sent.js';
import { timeline } from '../delivery/timeline.js';
import { WebhookDispatcher } from '../delivery/webhooks/webhook-dispatcher.js';
import { WebhookService } from '../delivery/webhooks/webhook-service.js';
import { type DemoCredentials, initDemo } from '../directory/demo-credentials.js';
import { type Federation, type LinkView, linkViews } from '../federation/federation.js';
import { submit } from '../intake/submit.js';
import type { HubPki } from '../pki/hub-pki.js';
import { getReceipt } from '../receipts/get-receipt.js';
import { AttachmentInspector } from '../signatures/attachment-inspector.js';
import type { AuditCheckpointRecord, AuditRecord, SignatureStatsRow, WebhookQueueStats } from '../store/store.js';
import type {
  AckState,
  Agency,
  AgencyInput,
  AttachmentStream,
  HealthReport,
  InboxPage,
  InboxQuery,
  IssuedCredentials,
  MessageType,
  PackageStream,
  Principal,
  SentItem,
  SignaturePolicy,
  SubmitRequest,
  SubmitResult,
  Timeline,
} from './contract.js';
import type { Hub, HubStats } from './hub.js';
import type { HubContext } from './hub-context.js';

export class LienthongHub implements Hub {
  private closed = false;
  private readonly checkpoints: CheckpointScheduler;
  private readonly inspector: AttachmentInspector;
  /** collections under way: close() waits for them (they stop early) before closing the store */
  private readonly collecting = new Set<Promise<unknown>>();
  readonly webhooks: WebhookService;
  private readonly dispatcher: WebhookDispatcher;

  /** the web console's accounts, sessions and services (packages/hub/src/console) */
  readonly console: ConsoleService;

  /** the operator console's server side (statistics aggregator, last-seen, directory and document admin) */
  readonly ops: OpsConsole;

  constructor(private readonly ctx: HubContext) {
    this.console = new ConsoleService(ctx, this);
    this.ops = new OpsConsole(ctx);
    this.ops.start();
    this.checkpoints = new CheckpointScheduler(ctx);
    this.checkpoints.start();
    this.inspector = new AttachmentInspector(ctx);
    // resumes whatever a previous run left uninspected
    this.inspector.kick();
    this.webhooks = new WebhookService(ctx, ctx.sealer, () => this.dispatcher.refresh());
    this.dispatcher = new WebhookDispatcher(ctx, this.webhooks);
  }

  startWebhookDispatcher(): void {
    if (this.closed) throw new Error('hub is closed');
    this.dispatcher.start();
  }
  webhooksIdle(): Promise<void> {
    return this.dispatcher.whenIdle();
  }
  webhookQueueStats(): Promise<WebhookQueueStats> {
    return this.webhooks.queueStats();
  }

  /** links to other hubs, when configured */
  get federation(): Federation | undefined {
    return this.ctx.federation;
  }

  startFederation(): void {
    if (this.closed) throw new Error('hub is closed');
    this.ctx.federation?.start();
  }

  async federationLinks(): Promise<LinkView[]> {
    if (this.ctx.federation) return this.ctx.federation.links();
    // a hub opened without its links configured: what the store remembers of each peer
    const [summary, stats] = await Promise.all([this.ctx.store.outboxSummary(), this.ctx.store.listLinkStats()]);
    const peers = [...new Set([...summary.map((s) => s.peer), ...stats.map((s) => s.peer)])].sort();
    return linkViews(
      this.ctx.store,
      peers.map((hubId) => ({ hubId, role: 'child' as const, url: '' })),
    );
  }

  get pki(): HubPki {
    return this.ctx.pki;
  }

  async submit(req: SubmitRequest): Promise<SubmitResult> {
    const result = await submit(this.ctx, req);
    if (!result.duplicate && result.messageType === 'edoc') this.inspector.kick();
    return result;
  }
  inbox(p: Principal, q: InboxQuery): Promise<InboxPage> {
    return inbox(this.ctx, p, q);
  }
  countPending(p: Principal, messageType: MessageType): Promise<number> {
    return countPending(this.ctx, p, messageType);
  }
  openPackage(p: Principal, docId: string): Promise<PackageStream> {
    return openPackage(this.ctx, p, docId);
  }
  openAttachment(p: Principal, docId: string, index: number): Promise<AttachmentStream> {
    return openAttachment(this.ctx, p, docId, index);
  }
  acknowledge(p: Principal, docId: string, state: AckState, description?: string): Promise<void> {
    return acknowledge(this.ctx, p, docId, state, description);
  }
  acknowledgeMany(p: Principal, items: readonly AckItem[]): Promise<PromiseSettledResult<void>[]> {
    return acknowledgeMany(this.ctx, p, items);
  }
  sent(
    p: Principal,
    q: { messageType: MessageType; docId?: string; cursor?: string; limit?: number },
  ): Promise<{ items: SentItem[]; nextCursor?: string }> {
    return sent(this.ctx, p, q);
  }
  timeline(p: Principal, docId: string): Promise<Timeline> {
    return timeline(this.ctx, p, docId);
  }
  receipt(p: Principal, docId: string): Promise<string> {
    return getReceipt(this.ctx, p, docId);
  }
  async waitForInbox(p: Principal, messageType: MessageType, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const max = this.ctx.config.longPollMaxSeconds * 1000;
    const scope = await this.ctx.directory.scope(p);
    return this.ctx.notifier.wait(scope, messageType, Math.min(timeoutMs, max > 0 ? max : timeoutMs), signal);
  }

  listAgencies(q?: { includeDisabled?: boolean; sinceVersion?: number; level?: number }): Promise<Agency[]> {
    return this.ctx.directory.listAgencies(q);
  }
  getAgency(code: string): Promise<Agency | undefined> {
    return this.ctx.directory.getAgency(code);
  }
  registerUnit(p: Principal, input: AgencyInput): Promise<Agency> {
    return this.ctx.directory.registerUnit(p, input);
  }
  deleteUnit(p: Principal, code: string): Promise<void> {
    return this.ctx.directory.deleteUnit(p, code);
  }
  vxpSecret(systemId: string): Promise<string | undefined> {
    return this.ctx.directory.vxpSecret(systemId);
  }
  resolveApiKey(token: string): Promise<Principal | undefined> {
    return this.ctx.directory.resolveApiKey(token);
  }
  addAgency(input: AgencyInput): Promise<{ agency: Agency; credentials: IssuedCredentials }> {
    return this.ctx.directory.addAgency(input);
  }
  setAgencyEnabled(code: string, enabled: boolean): Promise<Agency> {
    return this.ctx.directory.setAgencyEnabled(code, enabled);
  }
  rotateCredentials(code: string): Promise<IssuedCredentials> {
    return this.ctx.directory.rotateCredentials(code);
  }

  async stats(): Promise<HubStats> {
    const [documents, pendingDeliveries, agencies, uninspectedAttachments] = await Promise.all([
      this.ctx.store.countDocuments(),
      this.ctx.store.countAllPending(),
      this.ctx.store.countAgencies(),
      this.ctx.store.countUninspectedAttachments(),
    ]);
    return { documents, pendingDeliveries, agencies, uninspectedAttachments };
  }

  checkpointAudit(): Promise<AuditCheckpointRecord | undefined> {
    return this.checkpoints.run();
  }
  verifyAudit(opts: { anchors?: CertificateInput[] } = {}): Promise<AuditVerdict> {
    return verifyAuditLog(this.ctx.store, {
      anchors: opts.anchors ?? this.ctx.pki.anchors,
      intermediates: this.ctx.pki.intermediates,
    });
  }
  listAudit(afterId: number, limit: number): Promise<AuditRecord[]> {
    return this.ctx.store.listAudit(afterId, limit);
  }

  signatureStats(): Promise<SignatureStatsRow[]> {
    return this.ctx.store.signatureStats();
  }
  waitForInspections(): Promise<void> {
    return this.inspector.whenIdle();
  }
  setSignaturePolicy(code: string, policy: SignaturePolicy | null): Promise<Agency> {
    return this.ctx.directory.setSignaturePolicy(code, policy);
  }
  async collectGarbage(opts: Pick<GcOptions, 'minAgeSeconds' | 'dryRun' | 'actor'> = {}): Promise<GcReport> {
    if (this.closed) throw new Error('hub is closed');
    const run = collectGarbage(this.ctx, { ...opts, stopped: () => this.closed });
    this.collecting.add(run);
    try {
      return await run;
    } finally {
      this.collecting.delete(run);
    }
  }
  refreshCrls(): Promise<void> {
    return this.ctx.pki.crls.refresh();
  }

  async initDemo(): Promise<DemoCredentials> {
    const creds = await initDemo(this.ctx.config.dataDir, this.ctx.store, this.ctx.directory, this.ctx.pki.devCaDir);
    // console: demo accounts and the demo agencies' signing keys
    return initDemoConsole(this.console, creds);
  }

  async health(): Promise<HealthReport> {
    const checks: HealthReport['checks'] = {};
    try {
      await this.ctx.store.ping();
      checks.database = { ok: true };
    } catch (err) {
      checks.database = { ok: false, detail: (err as Error).message };
    }
    checks.blobs = await this.ctx.blobs.health();
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.dispatcher.stop();
    await this.ctx.notifier.close();
    await this.ctx.federation?.close();
    await Promise.allSettled([...this.collecting]);
    await this.inspector.close();
    await this.checkpoints.stop();
    await this.ops.close();
    await this.ctx.intakeWorkers?.close();
    this.ctx.pki.close();
    await this.ctx.store.close();
  }
}
