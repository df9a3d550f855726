// Lenient reading of the date forms producers actually send, and the standard forms we emit.
// Standard: `yyyy/MM/dd` for dates, `yyyy/MM/dd HH:mm:ss` for timestamps, in Vietnam time (UTC+7).

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
}

export type DateForm = 'yyyy/MM/dd' | 'dd/MM/yyyy' | 'yyyy-MM-dd';

export type LenientDateResult =
  | { ok: true; parts: DateParts; form: DateForm; hasTime: boolean }
  | { ok: false; reason: string };

const YMD_SLASH = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
const DMY_SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const YMD_DASH = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/;

/** Reads `yyyy/MM/dd`, `dd/MM/yyyy` or `yyyy-MM-dd`, optionally followed by ` HH:mm[:ss]` (or `T` for ISO). */
export function parseLenientDate(raw: string): LenientDateResult {
  const text = raw.trim();
  const split = text.search(/[ T]/);
  const datePart = split < 0 ? text : text.slice(0, split);
  const timePart = split < 0 ? undefined : text.slice(split + 1).trim();

  const read = readDate(datePart);
  if (!read) {
    return { ok: false, reason: `not a date in a known form (yyyy/MM/dd, dd/MM/yyyy, yyyy-MM-dd): "${raw}"` };
  }
  const { form, year, month, day } = read;
  if (!isCalendarDate(year, month, day)) {
    const why = month < 1 || month > 12 ? `no month ${month}` : `no day ${day} in month ${month} of ${year}`;
    return { ok: false, reason: `impossible date "${raw}" (${why})` };
  }
  const parts: DateParts = { year, month, day };
  if (timePart !== undefined && timePart !== '') {
    const t = TIME.exec(timePart);
    if (!t) return { ok: false, reason: `unreadable time "${timePart}" in "${raw}"` };
    const hour = Number(t[1]);
    const minute = Number(t[2]);
    const second = t[3] === undefined ? 0 : Number(t[3]);
    if (hour > 23 || minute > 59 || second > 59)
      return { ok: false, reason: `impossible time "${timePart}" in "${raw}"` };
    Object.assign(parts, { hour, minute, second });
    return { ok: true, parts, form, hasTime: true };
  }
  return { ok: true, parts, form, hasTime: false };
}

function readDate(text: string): { form: DateForm; year: number; month: number; day: number } | undefined {
  const ymd = YMD_SLASH.exec(text) ?? YMD_DASH.exec(text);
  if (ymd) {
    const form: DateForm = text.includes('/') ? 'yyyy/MM/dd' : 'yyyy-MM-dd';
    return { form, year: Number(ymd[1]), month: Number(ymd[2]), day: Number(ymd[3]) };
  }
  const dmy = DMY_SLASH.exec(text);
  if (dmy) return { form: 'dd/MM/yyyy', year: Number(dmy[3]), month: Number(dmy[2]), day: Number(dmy[1]) };
  return undefined;
}

export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `yyyy/MM/dd` */
export function formatDateParts(p: DateParts): string {
  return `${String(p.year).padStart(4, '0')}/${pad2(p.month)}/${pad2(p.day)}`;
}

/** `yyyy/MM/dd HH:mm:ss` (midnight when the parts carry no time) */
export function formatTimestampParts(p: DateParts): string {
  return `${formatDateParts(p)} ${pad2(p.hour ?? 0)}:${pad2(p.minute ?? 0)}:${pad2(p.second ?? 0)}`;
}

export type NormalizedDate = { ok: true; value: string; changed: boolean } | { ok: false; reason: string };

/**
 * Normalises a date-only field to `yyyy/MM/dd`. A time of day, if present, is dropped
 * (reported through `changed`).
 */
export function normalizeDate(raw: string): NormalizedDate {
  const r = parseLenientDate(raw);
  if (!r.ok) return r;
  const value = formatDateParts(r.parts);
  return { ok: true, value, changed: value !== raw };
}

/** Normalises a timestamp field to `yyyy/MM/dd HH:mm:ss`; a date without time becomes midnight. */
export function normalizeTimestamp(raw: string): NormalizedDate {
  const r = parseLenientDate(raw);
  if (!r.ok) return r;
  const value = formatTimestampParts(r.parts);
  return { ok: true, value, changed: value !== raw };
}

/** Vietnam-time calendar parts of an instant. */
export function vietnamParts(date: Date): Required<DateParts> {
  const shifted = new Date(date.getTime() + VIETNAM_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
}

/** `yyyy/MM/dd` of the instant, in Vietnam time. */
export function formatDate(date: Date): string {
  return formatDateParts(vietnamParts(date));
}

/** `yyyy/MM/dd HH:mm:ss` of the instant, in Vietnam time. */
export function formatTimestamp(date: Date): string {
  return formatTimestampParts(vietnamParts(date));
}

/** The instant a lenient date/timestamp denotes, reading it as Vietnam time; undefined if unreadable. */
export function toInstant(raw: string): Date | undefined {
  const r = parseLenientDate(raw);
  if (!r.ok) return undefined;
  const { year, month, day, hour = 0, minute = 0, second = 0 } = r.parts;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second) - VIETNAM_OFFSET_MS);
}
