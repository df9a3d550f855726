// The composition root: picks the Store and BlobStore implementations and wires the hub together.

import type pino from 'pino';
import { openFileBlobStore } from '../blobs/open-blob-store.js';
import { TieredBlobStore } from '../blobs/tiered-blob-store.js';
import type { HubConfig } from '../config/hub-config.js';
import { InboxNotifier } from '../delivery/inbox-notifier.js';
import { DirectoryService } from '../directory/directory-service.js';
import { loadMasterKey } from '../directory/master-key.js';
import { SecretSealer } from '../directory/secret-sealer.js';
import { Federation } from '../federation/federation.js';
import { IntakePool } from '../intake/workers/intake-pool.js';
import { openHubPki } from '../pki/hub-pki.js';
import { describeStore, openStore } from '../store/open-store.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { PostgresWakeups } from '../store/postgres/postgres-wakeups.js';
import type { Hub } from './hub.js';
import type { HubContext } from './hub-context.js';
import type { HubObserver } from './hub-observer.js';
import { LienthongHub } from './lienthong-hub.js';

export async function createHub(
  config: HubConfig,
  opts: { logger: pino.Logger; observer?: HubObserver },
): Promise<Hub> {
  // large blobs: files under the data dir, or objects in an S3-compatible store (blobs.backend)
  const files = await openFileBlobStore(config);
  await files.init();
  const sealer = new SecretSealer(await loadMasterKey(config.dataDir));
  const pki = await openHubPki(config, opts.logger);
  // PostgreSQL when config.database is set, else the embedded SQLite file in dataDir
  const store = await openStore(config, opts.logger);
  // small blobs inline in the database (in the document's transaction), large ones as files
  const blobs = new TieredBlobStore(files, store);
  const notifier = new InboxNotifier();
  // several nodes on one PostgreSQL database: long-polls on every node wake for packages accepted on any
  if (store instanceof PostgresStore && config.database) {
    const wakeups = new PostgresWakeups({ url: config.database, pool: store.pool, notifier, logger: opts.logger });
    await wakeups.start();
    notifier.relayTo(wakeups);
  }
  const ctx: HubContext = {
    pki,
    config,
    store,
    blobs,
    directory: new DirectoryService(store, sealer),
    sealer,
    notifier,
    observer: opts.observer ?? {},
    logger: opts.logger,
  };
  if (config.intake.workers > 0) {
    ctx.intakeWorkers = new IntakePool({
      size: config.intake.workers,
      pki,
      staleCrl: config.trust.staleCrl,
      maxAttachmentBytes: config.limits.maxBodyBytes,
      logger: opts.logger,
    });
  }
  // federation: links to a parent hub and child hubs (started by the hub, after its own start-up)
  ctx.federation = await Federation.open(ctx);
  const { backend, location } = describeStore(config);
  opts.logger.info(
    { dataDir: config.dataDir, hubId: config.hubId, store: backend, database: location },
    'hub store opened',
  );
  return new LienthongHub(ctx);
}
