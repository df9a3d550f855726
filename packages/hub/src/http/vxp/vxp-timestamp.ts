import { fromVietnamClock, toVietnamClock } from './vietnam-time.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * The VXP client timestamp, Java `SimpleDateFormat("ddMMyyyy'T'HHmmss+SSSS")` in Vietnam time:
 * `+` is a literal and SSSS is the millisecond count zero-padded to four digits (e.g. `21112025T173045+0042`).
 */
export function formatVxpTimestamp(d: Date): string {
  const c = toVietnamClock(d);
  return `${pad(c.day)}${pad(c.month)}${c.year}T${pad(c.hour)}${pad(c.minute)}${pad(c.second)}+${pad(c.millisecond, 4)}`;
}

/** Parses a VXP timestamp; undefined when it is not one. Accepts 1–4 millisecond digits (other formatters pad less). */
export function parseVxpTimestamp(s: string): Date | undefined {
  const m = /^(\d{2})(\d{2})(\d{4})T(\d{2})(\d{2})(\d{2})(?:\+(\d{1,4}))?$/.exec(s.trim());
  if (!m) return undefined;
  const ms = Number(m[7] ?? '0');
  if (ms > 999) return undefined;
  return fromVietnamClock({
    day: Number(m[1]),
    month: Number(m[2]),
    year: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
    millisecond: ms,
  });
}
