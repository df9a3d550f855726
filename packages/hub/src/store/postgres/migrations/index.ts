import type { Migration } from '../../sql/migrator.js';
import { blobKeyIndexes } from '../../sqlite/migrations/006-blob-key-indexes.js';
import { consolePendingIndex } from '../../sqlite/migrations/011-console-pending-index.js';
import { initialSchema } from './001-initial-schema.js';
import { documentSignatures } from './002-document-signatures.js';
import { receiptsAndAuditChain } from './003-receipts-and-audit-chain.js';
import { attachmentSignatures } from './004-attachment-signatures.js';
import { inlineBlobs } from './005-inline-blobs.js';
import { webhooks } from './007-webhooks.js';
import { federation } from './008-federation.js';
import { consoleTables } from './009-console.js';
import { consoleStats } from './010-console-stats.js';
import { directoryNotify } from './012-directory-notify.js';
import { directoryGuard } from './013-directory-guard.js';

/**
 * Every PostgreSQL migration, in version order: the same versions and names as SQLite's list
 * (store/sqlite/migrations), so a schema version means the same schema on both backends (a test
 * checks it). A migration written with only portable types (006) is shared as it is; the others
 * restate SQLite's in PostgreSQL types (pg-types.ts). Append only: a released migration never changes.
 */
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
