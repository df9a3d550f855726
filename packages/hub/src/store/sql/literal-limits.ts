// `LIMIT ?` with a bound value makes SQLite plan the statement anew at every execution: the LIMIT value
// can change the plan, so binding it expires the prepared statement, and the next step re-prepares it
// (≈ 20 µs each time for a one-row look-up, 5–10 × the look-up itself; ≈ 60 µs for the inbox's join;
// docs/BENCHMARKS.md, session 5). Limits are written into the SQL instead, from a few fixed sizes so that
// the statements (and SQLite's prepared statements, kept by text) stay few whatever limits clients ask for.
import { type RawBuilder, sql } from 'kysely';

/** `LIMIT 1` as a literal */
export const ONE_ROW = sql.lit<number>(1);

const LIMIT_SIZES = [1, 10, 20, 50, 100, 200, 500, 1000];

/**
 * A literal LIMIT of at least `n` rows: the smallest of a few fixed sizes that holds `n` (`n` itself
 * above the largest). The caller keeps the first `n` rows.
 */
export function limitAtLeast(n: number): RawBuilder<number> {
  return sql.lit(limitSizeFor(n));
}

/** the size `limitAtLeast(n)` writes (for keys of precompiled queries) */
export function limitSizeFor(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`a limit must be a positive integer, not ${n}`);
  return LIMIT_SIZES.find((size) => size >= n) ?? n;
}
