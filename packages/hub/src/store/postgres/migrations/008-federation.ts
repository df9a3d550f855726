import type { Migration } from '../../sql/migrator.js';
import { federationMigration } from '../../sqlite/migrations/008-federation.js';
import { BIGINT, INT, TEXT } from './pg-types.js';

/** SQLite's migration 008 in PostgreSQL types (text COLLATE "C", bigint times and sequence numbers). */
export const federation: Migration = federationMigration({ text: TEXT, big: BIGINT, int: INT });
