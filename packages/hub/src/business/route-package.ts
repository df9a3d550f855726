import type { EdxmlPackage } from '@lienthong/edxml';
import type { StoreOps } from '../store/store.js';
import { checkRecipients } from './check-recipients.js';
import { routeDocument } from './document-routing.js';
import type { RoutingPlan } from './routing-plan.js';
import { routeStatus } from './status-routing.js';

export interface RouteInput {
  pkg: EdxmlPackage;
  docId: string;
  /** the authenticated system */
  actor: string;
  at: Date;
  to?: string[];
}

/** Works out (reads only) where a package goes and what it changes; refuses unknown recipients. */
export async function routePackage(ops: StoreOps, input: RouteInput): Promise<RoutingPlan> {
  const plan =
    input.pkg.kind === 'status'
      ? await routeStatus(ops, { ...input, pkg: input.pkg })
      : await routeDocument(ops, { ...input, pkg: input.pkg });
  await checkRecipients(ops, plan.recipients);
  return plan;
}
