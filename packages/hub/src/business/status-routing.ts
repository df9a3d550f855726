// Status packages travel back to the sender of the document they report on.
// A status 13 from the document's own sender is a recall: it takes back the copies it can.

import type { StatusPackage } from '@lienthong/edxml';
import { HubError } from '../core/contract.js';
import type { DocumentRecord, StoreOps } from '../store/store.js';
import { findOwnTargets } from './business-targets.js';
import { emptyPlan, type RoutingPlan } from './routing-plan.js';
import { takeBack } from './take-back.js';

export interface StatusRoutingInput {
  pkg: StatusPackage;
  docId: string;
  actor: string;
  at: Date;
  /** recipients the submitter named (VXP `to`) */
  to?: string[];
}

export async function routeStatus(ops: StoreOps, input: StatusRoutingInput): Promise<RoutingPlan> {
  const { pkg } = input;
  const reporter = pkg.from.organId;
  const rf = pkg.responseFor;
  if (pkg.statusCode === '13' && reporter === rf.organId) return routeRecall(ops, input);

  const candidates = await ops.findDocumentsByDocumentId(rf.documentId, rf.organId);
  let target: DocumentRecord | undefined;
  for (const doc of [...candidates].reverse()) {
    if ((await ops.getDeliveriesTo(doc.docId, [reporter])).length > 0) {
      target = doc;
      break;
    }
  }
  if (candidates.length > 0 && !target) {
    throw new HubError('forbidden', `${reporter} is not a recipient of ${rf.documentId} and cannot report on it`, {
      path: 'MessageHeader/ResponseFor/DocumentId',
    });
  }
  if (target) {
    const plan = emptyPlan([target.sender]);
    plan.responseForDocId = target.docId;
    plan.statusUpdates.push({ docId: target.docId, recipient: reporter, statusCode: pkg.statusCode });
    plan.events.push({
      docId: target.docId,
      recipient: reporter,
      at: input.at,
      kind: 'status',
      actor: input.actor,
      statusCode: pkg.statusCode,
      detail: pkg.description,
      relatedDocId: input.docId,
    });
    ignoredTo(plan, input.to);
    return plan;
  }
  // Sent before this hub took over: the best address is the ResponseFor organisation itself.
  const plan = emptyPlan([rf.organId]);
  plan.warnings.push(
    `${rf.documentId} is unknown to this hub; the status is routed to ResponseFor/OrganId ${rf.organId}`,
  );
  ignoredTo(plan, input.to);
  return plan;
}

async function routeRecall(ops: StoreOps, input: StatusRoutingInput): Promise<RoutingPlan> {
  const { pkg } = input;
  const targets = await findOwnTargets(ops, pkg.responseFor.documentId, pkg.from.organId, 'recall');
  const plan = emptyPlan();
  if (targets.documents.length === 0) {
    if (!input.to || input.to.length === 0) {
      throw new HubError(
        'unknown-recipient',
        `${pkg.responseFor.documentId} is unknown to this hub, so it cannot tell whom to send the recall to; name the recipients (to)`,
        { path: 'MessageHeader/ResponseFor/DocumentId' },
      );
    }
    plan.recipients = [...new Set(input.to)];
    plan.warnings.push(targets.warning!);
    return plan;
  }
  const latest = targets.documents.at(-1)!;
  plan.responseForDocId = latest.docId;
  const { forwarded } = await takeBack(ops, plan, targets.documents, input.docId, input.actor, input.at);
  plan.recipients = [...forwarded];
  return plan;
}

function ignoredTo(plan: RoutingPlan, to: string[] | undefined): void {
  if (!to || to.length === 0) return;
  const extra = to.filter((c) => !plan.recipients.includes(c));
  if (extra.length > 0) {
    plan.warnings.push(
      `a status goes to the sender of the document it reports on; ignored recipients: ${extra.join(', ')}`,
    );
  }
}
