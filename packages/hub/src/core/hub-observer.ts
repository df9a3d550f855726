import type { AckState, HubErrorCode, MessageType } from './contract.js';

/** Optional hooks the front end wires to its metrics; each is called after the fact and must not throw. */
export interface HubObserver {
  /** a package was committed (duplicates included); bytes = request body size, ms = time spent in submit */
  accepted?(messageType: MessageType, bytes: number, ms: number): void;
  /** a submission was refused */
  refused?(code: HubErrorCode): void;
  /** a recipient acknowledged a delivery */
  acked?(state: AckState): void;
  /** a recipient read a package for the first time */
  delivered?(): void;
  /** a webhook notification's attempt ended: sent (2xx), failed (to be retried), dead (given up), skipped */
  webhookAttempt?(outcome: 'sent' | 'failed' | 'dead' | 'skipped'): void;
  /** federation: one attempt to deliver an outbox entry over the link to `peer` */
  linkDelivery?(peer: string, outcome: 'ok' | 'retry' | 'dead'): void;
}
