// VXP `hash-file` / /v1 `Digest` against the package's SHA-256. The Java SDK writes each byte with
// Integer.toHexString, dropping its leading zero, so compare byte by byte with leading zeros stripped.

export function digestMatches(declared: string, sha256Hex: string): boolean {
  const d = declared
    .trim()
    .toLowerCase()
    .replace(/^sha-256=/, '');
  if (d === sha256Hex) return true;
  let lenient = '';
  for (let i = 0; i < sha256Hex.length; i += 2) lenient += sha256Hex.slice(i, i + 2).replace(/^0/, '');
  return d === lenient;
}
