import { randomBytes } from 'node:crypto';

/** 24 hex characters: 4 bytes of seconds since the epoch (so ids sort roughly by time), 8 random bytes. */
export function newDocId(now = Date.now()): string {
  const b = randomBytes(12);
  b.writeUInt32BE(Math.floor(now / 1000) >>> 0, 0);
  return b.toString('hex');
}

export function isDocId(value: string): boolean {
  return /^[0-9a-f]{24}$/.test(value);
}
