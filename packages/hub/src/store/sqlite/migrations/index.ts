import type { Migration } from '../../sql/migrator.js';
import { initialSchema } from './001-initial-schema.js';
import { documentSignatures } from './002-document-signatures.js';
import { receiptsAndAuditChain } from './003-receipts-and-audit-chain.js';
import { attachmentSignatures } from './004-attachment-signatures.js';
import { inlineBlobs } from './005-inline-blobs.js';
import { blobKeyIndexes } from './006-blob-key-indexes.js';
import { webhooks } from './007-webhooks.js';
import { federation } from './008-federation.js';
import { consoleTables } from './009-console.js';
import { consoleStats } from './010-console-stats.js';
import { consolePendingIndex } from './011-console-pending-index.js';
import { directoryNotify } from './012-directory-notify.js';
import { directoryGuard } from './013-directory-guard.js';

/** Every migration, in version order. Append only: a released migration never changes. */
export const migrations: Migration[] = [
  initialSchema,
  documentSignatures,
  receiptsAndAuditChain,
  attachmentSignatures,
  inlineBlobs,
  blobKeyIndexes,
  webhooks,
  federation,
  consoleTables,
  consoleStats,
  consolePendingIndex,
  directoryNotify,
  directoryGuard,
];
