// Taking back copies of a document (revoke, recall, a recipient removed by an update): copies never
// fetched are withdrawn; recipients that already have it are sent the new package instead.

import type { DocumentRecord, StoreOps } from '../store/store.js';
import type { RoutingPlan } from './routing-plan.js';

export async function takeBack(
  ops: StoreOps,
  plan: RoutingPlan,
  targets: DocumentRecord[],
  newDocId: string,
  actor: string,
  at: Date,
  only?: Set<string>,
): Promise<{ withdrawn: Set<string>; forwarded: Set<string> }> {
  const withdrawn = new Set<string>();
  const forwarded = new Set<string>();
  for (const target of targets) {
    const deliveries = await ops.getDeliveries(target.docId);
    // federation: a copy handed to another hub is taken back there, by the new package travelling after it
    const remote = await ops.getAgencyRoutes(deliveries.map((d) => d.recipient));
    for (const d of deliveries) {
      if (only && !only.has(d.recipient)) continue;
      if (d.state === 'withdrawn') continue;
      if (d.state === 'pending' && d.fetchedAt === undefined && !remote.has(d.recipient)) {
        plan.withdrawals.push({ docId: target.docId, recipient: d.recipient });
        plan.events.push({
          docId: target.docId,
          recipient: d.recipient,
          at,
          kind: 'withdrawn',
          actor,
          relatedDocId: newDocId,
        });
        withdrawn.add(d.recipient);
      } else {
        plan.events.push({
          docId: target.docId,
          recipient: d.recipient,
          at,
          kind: 'recall-forwarded',
          actor,
          relatedDocId: newDocId,
        });
        forwarded.add(d.recipient);
      }
    }
  }
  // a recipient holding one copy already must hear about the take-back even if another copy was withdrawn
  for (const r of forwarded) withdrawn.delete(r);
  return { withdrawn, forwarded };
}
