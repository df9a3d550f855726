// What a PostgreSQL error means to the hub: a lost or refused connection is HubError 'unavailable'
// (HTTP 503, VXP FAIL 503: the client retries later; the pool reconnects by itself), a failure that
// a retry of the whole transaction resolves is retryable, anything else is passed on as it is.

import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { HubError } from '../../core/contract.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs that say the server is going away or not taking connections (not a bad statement). */
const UNAVAILABLE_STATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
  '53100', // disk_full
  '58030', // io_error
]);

/** Messages pg gives errors that carry no code when the connection is gone or never came. */
const LOST_CONNECTION =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable|Connection is closed/i;

/** The SQLSTATE of a PostgreSQL error, or undefined. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err instanceof HubError) return err.code === 'unavailable';
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    if (code.startsWith('08') && sqlState(err) !== undefined) return true; // connection_exception class
    if (UNAVAILABLE_STATES.has(code)) return true;
  }
  return LOST_CONNECTION.test(err.message);
}

/**
 * Errors after which the same transaction, run again from the start, may well succeed: a serialization
 * failure, a deadlock, or a unique violation from a concurrent writer that committed the same key first
 * (the hub's transactions look before they insert, so the second run sees the winner's row and answers
 * as for a duplicate or a conflict, as SQLite's single writer would have).
 */
export function isRetryable(err: unknown): boolean {
  const state = sqlState(err);
  return state === '40001' || state === '40P01' || state === '23505';
}

export function toHubError(err: unknown): unknown {
  if (err instanceof HubError || !isConnectionError(err)) return err;
  return new HubError('unavailable', `the database is unavailable: ${(err as Error).message}`, { cause: err });
}

/**
 * The pg pool as Kysely sees it, with connection errors turned into HubError 'unavailable' at the
 * source: acquiring a connection, and every query (so a transaction's rollback after a lost connection
 * fails the same way). A connection that failed so is released as broken: the pool drops it.
 * (pg's types say `release(err?: Error | boolean)`: true destroys the client instead of pooling it.)
 */
export function guardedPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        // whatever the reason (down, restarting, refusing connections, a bad password), the hub cannot
        // reach its database: unavailable, not a bug of the request
        throw err instanceof HubError
          ? err
          : new HubError('unavailable', `the database is unavailable: ${(err as Error).message}`, { cause: err });
      }
      let broken = false;
      // a checked-out client whose connection dies emits 'error' (the pool listens only to idle ones):
      // unheard, that would crash the process; the query in flight fails on its own
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      const query = (...args: unknown[]): unknown => {
        const result = (client.query as (...a: unknown[]) => unknown)(...args);
        if (result instanceof Promise) {
          return result.catch((err: unknown) => {
            const mapped = toHubError(err);
            if (mapped !== err) broken = true;
            throw mapped;
          });
        }
        return result;
      };
      return withConnection(
        {
          query: query as PostgresPoolClient['query'],
          release: () => {
            client.off('error', onError);
            client.release(broken || undefined);
          },
        },
        client,
      );
    },
    end: () => pool.end(),
  };
}

const CONNECTION = Symbol('pg connection');

/** `wrapper` (a pool client as Kysely sees it) knows the pg client under it (connectionOf) */
export function withConnection<T extends object>(wrapper: T, connection: object): T {
  Object.defineProperty(wrapper, CONNECTION, { value: connection });
  return wrapper;
}

/** the pg client (one server connection, one session) under a wrapper, or the wrapper itself */
export function connectionOf(wrapper: object): object {
  return (wrapper as { [CONNECTION]?: object })[CONNECTION] ?? wrapper;
}
