// What the hub's parts share: built once by createHub, passed to every operation.

import type pino from 'pino';
import type { BlobStore } from '../blobs/blob-store.js';
import type { HubConfig } from '../config/hub-config.js';
import type { InboxNotifier } from '../delivery/inbox-notifier.js';
import type { DirectoryService } from '../directory/directory-service.js';
import type { SecretSealer } from '../directory/secret-sealer.js';
import type { Federation } from '../federation/federation.js';
import type { IntakePool } from '../intake/workers/intake-pool.js';
import type { HubPki } from '../pki/hub-pki.js';
import type { Store } from '../store/store.js';
import type { HubObserver } from './hub-observer.js';

export interface HubContext {
  config: HubConfig;
  store: Store;
  blobs: BlobStore;
  directory: DirectoryService;
  notifier: InboxNotifier;
  observer: HubObserver;
  logger: pino.Logger;
  /** trust anchors, CRLs and the hub's own key and certificate */
  pki: HubPki;
  /** worker threads that analyze held package bodies (`intake.workers`); absent: all on the event loop */
  intakeWorkers?: IntakePool;
  /** seals stored secrets with the master key (webhook signing secrets) */
  sealer?: SecretSealer;
  /** links to other hubs (config `federation`); absent: a hub on its own */
  federation?: Federation;
}

/** Calls an observer hook, keeping a faulty metrics hook away from the operation it observes. */
export function observe(ctx: HubContext, fn: (o: HubObserver) => void): void {
  try {
    fn(ctx.observer);
  } catch (err) {
    ctx.logger.warn({ err }, 'hub observer failed');
  }
}
