import type { EdxmlPackage } from '@lienthong/edxml';
import { HubError, type Principal } from '../core/contract.js';
import type { StoreOps } from '../store/store.js';

export function packageSender(pkg: EdxmlPackage): string {
  return pkg.kind === 'status' ? pkg.from.organId : pkg.header.from.organId;
}

/** From/OrganId must be the authenticated system, or for a tenant one of its enabled units. */
export async function authorizeSender(ops: StoreOps, p: Principal, from: string, declaredFrom?: string): Promise<void> {
  if (declaredFrom !== undefined && declaredFrom !== '' && declaredFrom !== from) {
    throw new HubError('forbidden', `the declared sender ${declaredFrom} is not the package's From/OrganId ${from}`, {
      path: 'from',
    });
  }
  if (from === p.systemId) {
    const self = await ops.getAgency(from);
    if (self && !self.deleted && self.enabled) return;
    throw new HubError('forbidden', `${from} is not an enabled agency of this hub`, { path: 'From/OrganId' });
  }
  const unit = await ops.getAgency(from);
  if (unit && unit.tenantId === p.systemId && !unit.deleted) {
    if (!unit.enabled) throw new HubError('forbidden', `unit ${from} is disabled`, { path: 'From/OrganId' });
    return;
  }
  throw new HubError('forbidden', `From/OrganId ${from} is not the authenticated system ${p.systemId}`, {
    path: 'From/OrganId',
  });
}
