import { fromVietnamClock, toVietnamClock } from './vietnam-time.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `dd/MM/yyyy HH:mm:ss` in Vietnam time: the date format of VXP lists and filters. */
export function formatVxpDate(d: Date): string {
  const c = toVietnamClock(d);
  return `${pad(c.day)}/${pad(c.month)}/${c.year} ${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}`;
}

/** Parses `dd/MM/yyyy[ HH:mm[:ss]]` (Vietnam time); undefined when it is not such a date. */
export function parseVxpDate(s: string): Date | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s.trim());
  if (!m) return undefined;
  return fromVietnamClock({
    day: Number(m[1]),
    month: Number(m[2]),
    year: Number(m[3]),
    hour: Number(m[4] ?? '0'),
    minute: Number(m[5] ?? '0'),
    second: Number(m[6] ?? '0'),
    millisecond: 0,
  });
}
