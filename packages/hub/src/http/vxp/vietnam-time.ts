// Vietnam has used UTC+7 without daylight saving since 1975, so a fixed offset is exact.
const OFFSET_MS = 7 * 3600 * 1000;

export interface VietnamClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** The wall-clock fields of an instant in Asia/Ho_Chi_Minh. */
export function toVietnamClock(d: Date): VietnamClock {
  const v = new Date(d.getTime() + OFFSET_MS);
  return {
    year: v.getUTCFullYear(),
    month: v.getUTCMonth() + 1,
    day: v.getUTCDate(),
    hour: v.getUTCHours(),
    minute: v.getUTCMinutes(),
    second: v.getUTCSeconds(),
    millisecond: v.getUTCMilliseconds(),
  };
}

/** The instant of a Vietnam wall-clock time, or undefined when a field is out of range (e.g. month 13, 30 Feb). */
export function fromVietnamClock(c: VietnamClock): Date | undefined {
  const utc = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second, c.millisecond);
  const back = new Date(utc);
  if (
    back.getUTCFullYear() !== c.year ||
    back.getUTCMonth() !== c.month - 1 ||
    back.getUTCDate() !== c.day ||
    back.getUTCHours() !== c.hour ||
    back.getUTCMinutes() !== c.minute ||
    back.getUTCSeconds() !== c.second
  ) {
    return undefined;
  }
  return new Date(utc - OFFSET_MS);
}
