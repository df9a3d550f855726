// The vendor SDK keeps the signed headers in a java.util.HashMap and serialises them in its
// iteration order; reproducing that order makes our requests byte-identical to the SDK's.

/** Java's `String.hashCode()` over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** `HashMap.hash()`: the high bits spread into the low ones. */
function spread(h: number): number {
  return h ^ (h >>> 16);
}

/**
 * The order in which a default `new HashMap<>()` (capacity 16, load factor 0.75) iterates keys
 * inserted in the given order. Buckets are visited by index; within a bucket entries keep their
 * insertion order (resizes split buckets preserving relative order, so the final table decides).
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  const unique = [...new Set(keys)];
  let capacity = 16;
  while (unique.length > capacity * 0.75) capacity *= 2;
  const buckets = new Map<number, string[]>();
  for (const key of unique) {
    const index = spread(javaStringHash(key)) & (capacity - 1);
    const bucket = buckets.get(index);
    if (bucket) bucket.push(key);
    else buckets.set(index, [key]);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, bucket]) => bucket);
}
