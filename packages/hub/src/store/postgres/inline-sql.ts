// A compiled query with its parameters written into the SQL text as literals, so that several
// statements can travel in ONE simple-protocol query (node-postgres sends a query without values as a
// simple Query message; the server runs every `;`-separated statement of it, stopping at the first error).
// Used by the group commit's deferred writes (pg-batch.ts). Only values whose literal is exact are
// inlined; for anything else the caller runs the statement with bound parameters as usual.

/** Why a value cannot be written as a literal: the caller must bind it as a parameter instead. */
const NOT_INLINABLE = Symbol('not inlinable');

/**
 * A string as a PostgreSQL literal. Quotes are doubled; a string holding a backslash becomes an escape
 * string (E'…', backslashes doubled), which reads the same whatever `standard_conforming_strings` is.
 * NUL cannot be in a PostgreSQL text value at all (the server refuses it when bound too).
 */
export function quoteString(s: string): string | typeof NOT_INLINABLE {
  if (s.includes('\0')) return NOT_INLINABLE;
  const quoted = `'${s.replaceAll("'", "''")}'`;
  return s.includes('\\') ? ` E${quoted.replaceAll('\\', '\\\\')}` : quoted;
}

/** The literal of one value, as node-postgres would have bound it (text format, type from context). */
export function literal(v: unknown): string | typeof NOT_INLINABLE {
  if (v === null || v === undefined) return 'NULL';
  switch (typeof v) {
    case 'string':
      return quoteString(v);
    case 'number':
      // parenthesised: `x - $1` with -1 must not read as a comment start (`--1`)
      if (!Number.isFinite(v)) return NOT_INLINABLE;
      return v < 0 || Object.is(v, -0) ? `(${String(v)})` : String(v);
    case 'bigint':
      return v < 0n ? `(${String(v)})` : String(v);
    case 'boolean':
      return v ? 'TRUE' : 'FALSE';
    default:
      // bytea as base64 decoded by the server: a third shorter than hex input (`E'\\x…'`) for the
      // hub to build and send and the server to lex (a package's inline bytes are most of its SQL), and
      // base64 has no quote or backslash, so it reads the same whatever standard_conforming_strings is
      if (v instanceof Uint8Array)
        return `decode('${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}','base64')`;
      return NOT_INLINABLE;
  }
}

/**
 * `sql` with each `$n` placeholder (outside quoted strings, quoted identifiers and comments) replaced by
 * the literal of `values[n-1]`; undefined when a value has no exact literal.
 */
export function inlineParameters(sql: string, values: readonly unknown[]): string | undefined {
  if (values.length === 0) return sql;
  const literals: string[] = [];
  for (const v of values) {
    const l = literal(v);
    if (l === NOT_INLINABLE) return undefined;
    literals.push(l);
  }
  let out = '';
  let from = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      // a quoted string or identifier: its quote is doubled inside, so scanning to the next one works
      const end = sql.indexOf(c, i + 1);
      if (end < 0) return undefined;
      i = end + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (c === '$') {
      let j = i + 1;
      while (j < n && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) j++;
      if (j === i + 1) {
        // `$` not followed by digits: a dollar-quoted string starts here, which compiled queries never hold
        return undefined;
      }
      const index = Number(sql.slice(i + 1, j)) - 1;
      const l = literals[index];
      if (l === undefined) return undefined;
      out += `${sql.slice(from, i)}${l}`;
      from = j;
      i = j;
    } else {
      i++;
    }
  }
  return out + sql.slice(from);
}

/**
 * `EXECUTE name(…)` with each value as an untyped literal (a quoted string, as node-postgres sends
 * parameters: text, type left to the server, which takes the prepared statement's parameter type);
 * undefined when a value has no exact literal.
 */
export function executeStatement(name: string, values: readonly unknown[]): string | undefined {
  if (values.length === 0) return `EXECUTE ${name}`;
  const args: string[] = [];
  for (const v of values) {
    let l: string | typeof NOT_INLINABLE;
    switch (typeof v) {
      case 'number':
        l = Number.isFinite(v) ? `'${String(v)}'` : NOT_INLINABLE;
        break;
      case 'bigint':
        l = `'${String(v)}'`;
        break;
      case 'boolean':
        l = v ? "'true'" : "'false'";
        break;
      default:
        l = literal(v);
    }
    if (l === NOT_INLINABLE) return undefined;
    args.push(l);
  }
  return `EXECUTE ${name}(${args.join(', ')})`;
}
