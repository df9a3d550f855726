import type { CertificateInput } from '@lienthong/trust';
import type { AuditVerdict } from '../audit/verify-audit-log.js';
import type { GcOptions, GcReport } from '../blobs/collect-garbage.js';
import type { ConsoleService } from '../console/console-service.js';
import type { OpsConsole } from '../console/ops/ops-console.js';
import type { WebhookService } from '../delivery/webhooks/webhook-service.js';
import type { DemoCredentials } from '../directory/demo-credentials.js';
import type { LinkView } from '../federation/federation.js';
import type { HubPki } from '../pki/hub-pki.js';
import type { AuditCheckpointRecord, AuditRecord, SignatureStatsRow, WebhookQueueStats } from '../store/store.js';
import type { Agency, HubService, SignaturePolicy } from './contract.js';

export type { DemoCredential, DemoCredentials } from '../directory/demo-credentials.js';

export interface HubStats {
  documents: number;
  /** deliveries still pending or processing */
  pendingDeliveries: number;
  agencies: number;
  /** attachments waiting for the background inspector (signatures/attachment-inspector.ts) */
  uninspectedAttachments: number;
}

/** The hub as a server runs it: the HubService plus start-up and monitoring helpers. */
export interface Hub extends HubService {
  /** the web console's accounts, sessions and services (docs/console.md) */
  readonly console: ConsoleService;
  /** trust anchors, CRLs and the hub's own key and certificate chain */
  readonly pki: HubPki;
  /** the operator console's server side (console/ops) */
  readonly ops: OpsConsole;
  stats(): Promise<HubStats>;
  /**
   * Signs the audit chain's head with the hub's key, if it moved since the last checkpoint (also done every
   * `trust.checkpointIntervalSeconds` and when the hub closes).
   */
  checkpointAudit(): Promise<AuditCheckpointRecord | undefined>;
  /** proves the audit log intact from genesis, checks every checkpoint; or names the first broken entry */
  verifyAudit(opts?: { anchors?: CertificateInput[] }): Promise<AuditVerdict>;
  /** audit entries after `afterId`, oldest first */
  listAudit(afterId: number, limit: number): Promise<AuditRecord[]>;
  /**
   * per sender agency: documents, how many carry a valid XML signature, and how many a valid PDF signature on an
   * attachment (national dashboard)
   */
  signatureStats(): Promise<SignatureStatsRow[]>;
  /** resolves once every attachment committed so far has been inspected for PDF signatures (background work) */
  waitForInspections(): Promise<void>;
  /** an agency's own signature policy at intake; null: back to the hub's default */
  setSignaturePolicy(code: string, policy: SignaturePolicy | null): Promise<Agency>;
  /**
   * Deletes blob files that no document or attachment references and that are older than `minAgeSeconds`
   * (default 3600); audited when something was removed. Also run once, in the background, by `startHub`.
   */
  collectGarbage(opts?: Pick<GcOptions, 'minAgeSeconds' | 'dryRun' | 'actor'>): Promise<GcReport>;
  /** re-reads every CRL source now (they are also refreshed every trust.crlRefreshSeconds) */
  refreshCrls(): Promise<void>;
  /**
   * DEMO ONLY. Loads the demo directory if the store has no agencies, issues credentials and keeps all of
   * them in <dataDir>/demo-credentials.json (mode 0600). Idempotent: later calls return that file.
   */
  initDemo(): Promise<DemoCredentials>;

  /** agencies' webhooks (registration) and the operator's dead letters (docs/protocols/webhooks.md) */
  readonly webhooks: WebhookService;
  /** starts pushing notifications to webhooks (`serve` does, when `webhooks.enabled`); stopped by close() */
  startWebhookDispatcher(): void;
  /** resolves once the dispatcher has nothing under way (tests) */
  webhooksIdle(): Promise<void>;
  webhookQueueStats(): Promise<WebhookQueueStats>;
  /**
   * Federation: starts the forwarders and the directory exchange of the configured links (startHub does it once
   * the server listens; administration commands that open a hub never do).
   */
  startFederation(): void;
  /** per link: queue depth, oldest waiting entry, last success, error rate (docs/protocols/federation.md) */
  federationLinks(): Promise<LinkView[]>;
}
