import { HubError } from '../core/contract.js';
import type { StoreOps } from '../store/store.js';

/** Every recipient must be an enabled agency of this hub's directory. */
export async function checkRecipients(ops: StoreOps, recipients: string[]): Promise<void> {
  const known = new Map((await ops.getAgencies(recipients)).map((a) => [a.code, a]));
  const unknown = recipients.filter((c) => {
    const a = known.get(c);
    return !a || a.deleted || !a.enabled;
  });
  if (unknown.length > 0) {
    throw new HubError(
      'unknown-recipient',
      `unknown recipient${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: not ${unknown.length > 1 ? 'enabled agencies' : 'an enabled agency'} in this hub's directory`,
      { path: 'To/OrganId', details: { unknown } },
    );
  }
}
