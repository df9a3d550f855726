import { consoleStatsMigration } from '../../sqlite/migrations/010-console-stats.js';
import { BIGINT, INT, TEXT } from './pg-types.js';

/** SQLite's migration 010 in PostgreSQL types: times and counts bigint, text byte-wise ordered. */
export const consoleStats = consoleStatsMigration({ text: TEXT, int: INT, big: BIGINT });
