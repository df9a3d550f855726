// `LIMIT ?` with a bound value makes SQLite plan the statement anew at every execution: the LIMIT value
// can change the plan, so binding it expires the prepared statement, and the next step re-prepares it
// (≈ 20 µs each time, 5–10 × the indexed look-up it limits; docs/BENCHMARKS.md, session 5). A constant
// limit is written into the SQL instead.
import { sql } from 'kysely';

/** `LIMIT 1` as a literal */
export const ONE_ROW = sql.lit<number>(1);
