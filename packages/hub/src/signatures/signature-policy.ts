// Which signature policy applies to a package: its sender's own, else (for a unit registered by a
// tenant) the tenant's, else the hub's default `trust.signaturePolicy`.

import type { SignaturePolicy } from '../core/contract.js';
import type { HubContext } from '../core/hub-context.js';
import type { AgencyRecord } from '../store/store.js';

export async function signaturePolicyFor(ctx: HubContext, sender: AgencyRecord | undefined): Promise<SignaturePolicy> {
  if (sender?.signaturePolicy) return sender.signaturePolicy;
  if (sender?.tenantId) {
    const tenant = await ctx.store.getAgency(sender.tenantId);
    if (tenant?.signaturePolicy) return tenant.signaturePolicy;
  }
  return ctx.config.trust.signaturePolicy;
}
