// Canonical JSON: object keys sorted (by UTF-16 code units, as `@lienthong/trust` sorts them), no
// whitespace, undefined members dropped (null in arrays), Dates as ISO strings, bigints as strings,
// non-finite numbers as null. The audit log stores payloads in this form so that a later hash chain
// hashes stable bytes. Written directly (no normalised copy of the value is built first): it runs for
// every audit entry, one per fetch and per acknowledgement.

export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

/** An object's canonical JSON in parts: its keys in canonical order and each member as `"key":value`. */
export interface CanonicalMembers {
  keys: string[];
  members: string[];
}

/** The members of an object's canonical JSON: the JSON is `{` + members joined by `,` + `}`. */
export function canonicalMembers(value: Record<string, unknown>): CanonicalMembers {
  const keys: string[] = [];
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const v = write(value[key]);
    if (v === undefined) continue;
    keys.push(key);
    members.push(`${JSON.stringify(key)}:${v}`);
  }
  return { keys, members };
}

/** The canonical JSON of the object `o` stands for, with `key` set to `json` (itself canonical): no re-serialising. */
export function withMember(o: CanonicalMembers, key: string, json: string): string {
  const out: string[] = [];
  let placed = false;
  for (let i = 0; i < o.keys.length; i++) {
    const k = o.keys[i]!;
    if (k === key) continue; // replaced
    if (!placed && k > key) {
      out.push(`${JSON.stringify(key)}:${json}`);
      placed = true;
    }
    out.push(o.members[i]!);
  }
  if (!placed) out.push(`${JSON.stringify(key)}:${json}`);
  return `{${out.join(',')}}`;
}

function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Array.isArray(value)) return `[${value.map((v) => write(v) ?? 'null').join(',')}]`;
      return `{${canonicalMembers(value as Record<string, unknown>).members.join(',')}}`;
    }
    default:
      // undefined, functions, symbols: left out of objects, null in arrays
      return undefined;
  }
}
