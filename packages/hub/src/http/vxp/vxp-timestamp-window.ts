import { HubError } from '../../core/contract.js';
import { parseVxpTimestamp } from './vxp-timestamp.js';

/** Refuses a VXP `timestamp` that is malformed or more than `windowSeconds` away from `now` (a replay bound). */
export function checkTimestampWindow(ts: string, now: Date, windowSeconds: number): void {
  const at = parseVxpTimestamp(ts);
  if (!at) throw new HubError('unauthenticated', `timestamp "${ts}" is not in the form ddMMyyyy'T'HHmmss+SSSS`);
  const skew = Math.round((at.getTime() - now.getTime()) / 1000);
  if (Math.abs(skew) > windowSeconds) {
    throw new HubError(
      'unauthenticated',
      `timestamp ${ts} is outside the ${windowSeconds} s window (${Math.abs(skew)} s ${skew < 0 ? 'behind' : 'ahead of'} the hub's clock, Vietnam time)`,
    );
  }
}
