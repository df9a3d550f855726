const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * The vendor SDK's `new SimpleDateFormat("ddMMyyyy'T'HHmmss+SSSS")` on a JVM in Vietnam time:
 * the `+` is a literal, not an offset, and `SSSS` is the milliseconds zero-padded to four digits.
 */
export function formatVxpTimestamp(date: Date = new Date()): string {
  const t = new Date(date.getTime() + VIETNAM_OFFSET_MS);
  return (
    pad(t.getUTCDate(), 2) +
    pad(t.getUTCMonth() + 1, 2) +
    pad(t.getUTCFullYear(), 4) +
    'T' +
    pad(t.getUTCHours(), 2) +
    pad(t.getUTCMinutes(), 2) +
    pad(t.getUTCSeconds(), 2) +
    '+' +
    pad(t.getUTCMilliseconds(), 4)
  );
}

/** `dd/MM/yyyy HH:mm:ss` in Vietnam time, the date format of VXP list filters. */
export function formatVxpDate(date: Date): string {
  const t = new Date(date.getTime() + VIETNAM_OFFSET_MS);
  return (
    `${pad(t.getUTCDate(), 2)}/${pad(t.getUTCMonth() + 1, 2)}/${pad(t.getUTCFullYear(), 4)} ` +
    `${pad(t.getUTCHours(), 2)}:${pad(t.getUTCMinutes(), 2)}:${pad(t.getUTCSeconds(), 2)}`
  );
}
