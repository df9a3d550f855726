// Where a document package goes, by business type: new (0), revoke (1), update (2), replace (3).

import type { DocumentPackage } from '@lienthong/edxml';
import { HubError } from '../core/contract.js';
import type { StoreOps } from '../store/store.js';
import { findOwnTargets } from './business-targets.js';
import { emptyPlan, type RoutingPlan } from './routing-plan.js';
import { takeBack } from './take-back.js';

export interface DocumentRoutingInput {
  pkg: DocumentPackage;
  docId: string;
  actor: string;
  at: Date;
  /** recipients the submitter named (VXP `to`); otherwise the package's To list */
  to?: string[];
}

export async function routeDocument(ops: StoreOps, input: DocumentRoutingInput): Promise<RoutingPlan> {
  const { pkg } = input;
  const base = unique(input.to && input.to.length > 0 ? input.to : pkg.header.to.map((t) => t.organId));
  switch (pkg.business.docType) {
    case 1:
      return routeRevoke(ops, input, base);
    case 2:
      return routeUpdate(ops, input, base);
    case 3:
      return routeReplace(ops, input, base);
    default:
      return emptyPlan(base);
  }
}

async function routeRevoke(ops: StoreOps, input: DocumentRoutingInput, base: string[]): Promise<RoutingPlan> {
  const targetId = input.pkg.business.documentId;
  if (!targetId) {
    throw new HubError('invalid-package', 'a revoke (BussinessDocType 1) must name the revoked document', {
      path: 'edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness/DocumentId',
    });
  }
  const sender = input.pkg.header.from.organId;
  const targets = await findOwnTargets(ops, targetId, sender, 'revoke');
  const plan = emptyPlan();
  if (targets.warning) plan.warnings.push(targets.warning);
  const { withdrawn, forwarded } = await takeBack(ops, plan, targets.documents, input.docId, input.actor, input.at);
  // whoever never saw the document needs no revoke; whoever has it must get one
  plan.recipients = unique([...base.filter((r) => !withdrawn.has(r)), ...forwarded]);
  for (const t of targets.documents) plan.relations.push({ docId: t.docId, relation: 'revokes' });
  return plan;
}

async function routeUpdate(ops: StoreOps, input: DocumentRoutingInput, base: string[]): Promise<RoutingPlan> {
  const { pkg } = input;
  const targetId = pkg.business.documentId ?? pkg.header.documentId;
  const targets = await findOwnTargets(ops, targetId, pkg.header.from.organId, 'update');
  const plan = emptyPlan();
  if (targets.warning) plan.warnings.push(targets.warning);
  const receivers = pkg.business.documentInfo?.receivers ?? [];
  const added = unique(receivers.filter((r) => r.receiverType === 1).map((r) => r.organId));
  const removed = new Set(receivers.filter((r) => r.receiverType === 0).map((r) => r.organId));

  const { forwarded } = await takeBack(ops, plan, targets.documents, input.docId, input.actor, input.at, removed);
  for (const t of targets.documents) {
    const had = new Set((await ops.getDeliveries(t.docId)).map((d) => d.recipient));
    for (const r of removed) {
      if (had.has(r)) {
        plan.events.push({
          docId: t.docId,
          recipient: r,
          at: input.at,
          kind: 'removed',
          actor: input.actor,
          relatedDocId: input.docId,
        });
      }
    }
    plan.relations.push({ docId: t.docId, relation: 'updates' });
  }
  // the update itself tells a removed recipient that already has the document that it is removed
  plan.recipients = unique([
    ...base.filter((r) => !removed.has(r)),
    ...added.filter((r) => !removed.has(r)),
    ...forwarded,
  ]);
  for (const r of added) {
    if (removed.has(r)) continue;
    plan.events.push({ docId: input.docId, recipient: r, at: input.at, kind: 'added', actor: input.actor });
  }
  return plan;
}

async function routeReplace(ops: StoreOps, input: DocumentRoutingInput, base: string[]): Promise<RoutingPlan> {
  const { pkg } = input;
  // Bussiness/DocumentId names the replaced document; ReplacementInfoList may name more
  const named =
    pkg.business.documentId && pkg.business.documentId !== pkg.header.documentId ? [pkg.business.documentId] : [];
  const ids = unique([...named, ...(pkg.business.replacements ?? []).map((r) => r.documentId)]);
  const plan = emptyPlan(base);
  for (const id of ids) {
    const targets = await findOwnTargets(ops, id, pkg.header.from.organId, 'replace');
    if (targets.warning) plan.warnings.push(targets.warning);
    for (const t of targets.documents) {
      plan.relations.push({ docId: t.docId, relation: 'replaces' });
      plan.events.push({
        docId: t.docId,
        at: input.at,
        kind: 'replaced',
        actor: input.actor,
        relatedDocId: input.docId,
      });
    }
  }
  return plan;
}

function unique(codes: string[]): string[] {
  return [...new Set(codes)];
}
