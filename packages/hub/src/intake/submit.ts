// submit: stream → parse → validate → authorize → dedupe → route → blobs in place → one commit.
// Nothing is visible before the commit; a refusal leaves only its audit entry behind.

import { performance } from 'node:perf_hooks';
import { type AttachmentInfo, formatTimestamp, validatePackage } from '@lienthong/edxml';
import { recordAudit } from '../audit/audit-trail.js';
import type { TempBlob } from '../blobs/blob-store.js';
import { routePackage } from '../business/route-package.js';
import type { RoutingPlan } from '../business/routing-plan.js';
import { HubError, type MessageType, type SubmitRequest, type SubmitResult } from '../core/contract.js';
import { newDocId } from '../core/doc-id.js';
import { type HubContext, observe } from '../core/hub-context.js';
import { sameStrings } from '../core/same-strings.js';
import { documentReceipt } from '../receipts/document-receipt.js';
import { issueReceipt, issueReceiptAsync } from '../receipts/issue-receipt.js';
import { verifyAtIntake } from '../signatures/verify-at-intake.js';
import type { AttachmentRecord, DocumentRecord, InlineBlob, StoreOps } from '../store/store.js';
import { commitPackage } from './commit-package.js';
import { checkDocumentIdFreeIn, findEarlier } from './dedupe.js';
import { digestMatches } from './digest-match.js';
import { documentRecord } from './document-record.js';
import { authorizeSender, packageSender } from './sender-authorization.js';
import type { Spooled } from './spool-and-parse.js';
import { type SpooledPackage, spoolPackage } from './spool-package.js';

const MESSAGE_TYPES = ['edoc', 'status', 'auto'];

export async function submit(ctx: HubContext, req: SubmitRequest): Promise<SubmitResult> {
  const started = performance.now();
  const p = req.principal;
  let spooled: SpooledPackage | undefined;
  let sender: string | undefined;
  try {
    if (!MESSAGE_TYPES.includes(req.messageType)) {
      throw new HubError('bad-request', 'messagetype must be edoc or status', { path: 'messagetype' });
    }
    spooled = await spoolPackage(ctx, req.body);
    const { parsed, sha256, size } = spooled;
    const pkg = parsed.package;
    const messageType: MessageType = pkg.kind === 'status' ? 'status' : 'edoc';
    sender = packageSender(pkg);
    if (req.messageType !== 'auto' && req.messageType !== messageType) {
      throw new HubError(
        'bad-request',
        `messagetype is ${req.messageType} but the package is a ${messageType} package`,
        {
          path: 'messagetype',
        },
      );
    }
    const issues = spooled.issues ?? validatePackage(pkg);
    const errors = issues.filter((i) => i.severity === 'error');
    if (errors.length > 0) {
      const first = errors[0]!;
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      throw new HubError('invalid-package', `${withPath(first.path, first.message)} [${first.rule}]${more}`, {
        path: first.path,
        details: { issues: errors },
      });
    }
    const warnings = [
      ...parsed.warnings.map((w) => withPath(w.path, w.message)),
      ...issues.filter((i) => i.severity === 'warning').map((i) => withPath(i.path, i.message)),
    ];
    const declared = req.declaredSha256;
    if (
      declared !== undefined &&
      declared !== '' &&
      !digestMatches(declared, sha256) &&
      !digestMatches(declared, spooled.bodySha256)
    ) {
      throw new HubError(
        'digest-mismatch',
        `the declared SHA-256 ${req.declaredSha256} does not match the package's ${sha256}`,
        {
          path: 'hash-file',
        },
      );
    }
    await authorizeAny(ctx, ctx.store, req, sender);

    // the same bytes again, or a DocumentId taken: one look-up (the transaction looks again)
    const earlier = await findEarlier(ctx.store, pkg, sender, sha256);
    if (earlier.sameBytes) return await resubmitted(ctx, req, earlier.sameBytes, spooled, started);
    checkDocumentIdFreeIn(earlier, pkg, sender);
    const signature = await verifyAtIntake(ctx, spooled, sender);
    if (signature) warnings.push(...signature.warnings);

    const docId = newDocId();
    const at = new Date();
    const route = { pkg, docId, actor: p.systemId, at, to: req.to };
    // a dry run refuses unroutable packages before anything is moved into place
    const dryRun = await routeOrPull(ctx, route);
    // The receipt is signed in the thread pool while the blobs are put in place; the transaction takes
    // it when its own plan names the same recipients (else it signs one itself, as it would anyway).
    const early = issueReceiptAsync(ctx, { docId, sha256, size, sender, acceptedAt: at }, dryRun.recipients).then(
      (receipt) => ({ receipt, sender: sender!, recipients: dryRun.recipients }),
      () => undefined,
    );

    // Durable bytes first: a document row is never committed without its blobs.
    const blobKey = await spooled.body.commit();
    const inline: InlineBlob[] = [];
    const bodyBytes = spooled.body.inlineBytes?.();
    if (bodyBytes) inline.push({ key: blobKey, bytes: bodyBytes });
    const attachments = await commitAttachments(ctx, docId, pkg.kind === 'document' ? pkg.attachments : [], inline);
    const signed = await early;
    // kept in memory before the commit: its first readers (the inspector) may run between the batch's
    // COMMIT and this request's turn to go on
    ctx.blobs.remember?.(inline);

    const outcome = await ctx.store.transaction(async (tx) => {
      const raced = await findEarlier(tx, pkg, sender!, sha256);
      if (raced.sameBytes) {
        return { duplicateOf: raced.sameBytes, plan: undefined, warnings: [], receipt: undefined, links: undefined };
      }
      await authorizeAny(ctx, tx, req, sender!);
      checkDocumentIdFreeIn(raced, pkg, sender!);
      const plan = await routePackage(tx, route);
      const record = documentRecord({
        docId,
        parsed,
        submittedBy: p.systemId,
        blobKey,
        sha256,
        size,
        acceptedAt: at,
        hubTraceTimestamp: formatTimestamp(at),
        responseForDocId: plan.responseForDocId,
      });
      const allWarnings = [...warnings, ...plan.warnings];
      const receipt =
        signed && signed.sender === record.sender && sameStrings(signed.recipients, plan.recipients)
          ? signed.receipt
          : issueReceipt(ctx, record, plan.recipients);
      // small blobs become durable with this transaction (the large ones were fsync'd above)
      if (inline.length > 0) await tx.insertInlineBlobs(inline, at);
      await commitPackage(tx, {
        record,
        receipt,
        pkg,
        attachments,
        plan,
        principal: p,
        hubId: ctx.config.hubId,
        requestId: req.requestId,
        warnings: allWarnings,
      });
      if (signature) await tx.insertSignature({ docId, ...signature.verdict });
      // federation: remote recipients go into the outbox towards the next hub, in this transaction
      const links = ctx.federation
        ? await ctx.federation.onCommit(tx, { docId, pkg, plan, actor: p.systemId, at, link: req.link })
        : [];
      return { duplicateOf: undefined, plan, warnings: allWarnings, receipt, links };
    });
    if (outcome.links && outcome.links.length > 0) ctx.federation?.kick(outcome.links);
    if (outcome.duplicateOf) return await resubmitted(ctx, req, outcome.duplicateOf, spooled, started);

    const plan = outcome.plan!;
    ctx.notifier.notify(plan.recipients, messageType);
    observe(ctx, (o) => o.accepted?.(messageType, size, performance.now() - started));
    ctx.logger.info(
      {
        docId,
        messageType,
        sender,
        by: p.systemId,
        recipients: plan.recipients.length,
        size,
        requestId: req.requestId,
      },
      'package accepted',
    );
    return {
      docId,
      messageType,
      duplicate: false,
      recipients: plan.recipients,
      warnings: outcome.warnings,
      sha256,
      size,
      receipt: outcome.receipt!,
    };
  } catch (err) {
    await spooled?.discard();
    if (err instanceof HubError) await refused(ctx, req, err, sender, spooled);
    else ctx.logger.error({ err, by: p.systemId, requestId: req.requestId }, 'submit failed');
    throw err;
  }
}

/** federation: an unknown recipient may be one the links have not told this hub about yet: pull, then try once more */
async function routeOrPull(ctx: HubContext, route: Parameters<typeof routePackage>[1]): Promise<RoutingPlan> {
  try {
    return await routePackage(ctx.store, route);
  } catch (err) {
    if (!(err instanceof HubError) || err.code !== 'unknown-recipient' || !ctx.federation?.pullOnDemand()) throw err;
    // a link that does not answer must not hold the agency's request for long
    await Promise.race([ctx.federation.syncNow(), new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    return await routePackage(ctx.store, route);
  }
}

/** an agency's own submission, or (federation) a package a linked hub forwards for an agency behind it */
function authorizeAny(ctx: HubContext, ops: StoreOps, req: SubmitRequest, sender: string): Promise<void> {
  if (req.link) {
    if (!ctx.federation || req.principal.via !== 'hub-link') {
      throw new HubError('forbidden', 'a forwarded package needs a hub link', { path: 'link' });
    }
    return ctx.federation.authorizeLinkSender(ops, req.link.peer, sender);
  }
  return authorizeSender(ops, req.principal, sender, req.declaredFrom);
}

function withPath(path: string, message: string): string {
  return path && !message.startsWith(path) ? `${path}: ${message}` : message;
}

async function commitAttachments(
  ctx: HubContext,
  docId: string,
  infos: AttachmentInfo[],
  inline: InlineBlob[],
): Promise<AttachmentRecord[]> {
  const out: AttachmentRecord[] = [];
  for (const a of infos) {
    let temp = a.ref as TempBlob | undefined;
    if (!temp) {
      // an attachment without content still gets its (empty) blob, so every row has one
      temp = await ctx.blobs.createTemp({ inline: true });
    }
    const blobKey = await temp.commit();
    const bytes = temp.inlineBytes?.();
    if (bytes && !inline.some((b) => b.key === blobKey)) inline.push({ key: blobKey, bytes });
    out.push({
      docId,
      index: a.index,
      contentId: a.contentId,
      name: a.attachmentName,
      contentType: a.contentType,
      size: a.size,
      sha256: a.sha256,
      blobKey,
    });
  }
  return out;
}

async function resubmitted(
  ctx: HubContext,
  req: SubmitRequest,
  doc: DocumentRecord,
  spooled: Spooled,
  started: number,
): Promise<SubmitResult> {
  await spooled.discard();
  const deliveries = await ctx.store.getDeliveries(doc.docId);
  await recordAudit(ctx.store, {
    actor: req.principal.systemId,
    action: 'accept-duplicate',
    subject: doc.docId,
    requestId: req.requestId,
    details: { sender: doc.sender, sha256: doc.sha256 },
  });
  observe(ctx, (o) => o.accepted?.(doc.messageType, spooled.size, performance.now() - started));
  return {
    docId: doc.docId,
    messageType: doc.messageType,
    duplicate: true,
    recipients: deliveries.map((d) => d.recipient),
    warnings: [`this package was already accepted as ${doc.docId}; nothing was delivered again`],
    sha256: doc.sha256,
    size: doc.size,
    receipt: await documentReceipt(ctx, doc),
  };
}

async function refused(
  ctx: HubContext,
  req: SubmitRequest,
  err: HubError,
  sender: string | undefined,
  spooled: Spooled | undefined,
): Promise<void> {
  observe(ctx, (o) => o.refused?.(err.code));
  ctx.logger.info(
    { code: err.code, reason: err.message, by: req.principal.systemId, sender, requestId: req.requestId },
    'package refused',
  );
  try {
    await recordAudit(ctx.store, {
      actor: req.principal.systemId,
      action: 'submit',
      outcome: 'refused',
      reason: err.message,
      requestId: req.requestId,
      details: { code: err.code, path: err.path, sender, sha256: spooled?.sha256, size: spooled?.size },
    });
  } catch (auditErr) {
    ctx.logger.error({ err: auditErr }, 'could not record a refusal in the audit log');
  }
}
