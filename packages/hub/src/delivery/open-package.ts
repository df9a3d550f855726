// Reading a package (with the hub's TraceHeader spliced in) or one of its attachments.

import { Readable } from 'node:stream';
import { recordAudit } from '../audit/audit-trail.js';
import { type AttachmentStream, HubError, type PackageStream, type Principal } from '../core/contract.js';
import { type HubContext, observe } from '../core/hub-context.js';
import { documentAccess } from './document-access.js';
import { hubTraceHeaderXml } from './trace-splice.js';

export async function openPackage(ctx: HubContext, p: Principal, docId: string): Promise<PackageStream> {
  const access = await documentAccess(ctx, p, docId);
  const { document: doc } = access;
  const readable = access.own.filter((d) => d.state !== 'withdrawn');
  if (!access.isSender && access.own.length > 0 && readable.length === 0) {
    throw new HubError('not-found', `document ${docId} was withdrawn by its sender`, { path: 'docId' });
  }
  const splice = hubTraceHeaderXml(doc, ctx.config.hubId);
  const spliceBytes = splice === undefined ? undefined : Buffer.from(splice, 'utf8');
  const size = doc.xmlEnd - doc.xmlStart + (spliceBytes?.length ?? 0);
  // Open the blob before recording the read: a missing blob must not count as a delivery.
  const first = await ctx.blobs.open(doc.blobKey, {
    start: doc.xmlStart,
    end: spliceBytes ? doc.traceOffset! : doc.xmlEnd,
  });

  if (readable.length > 0)
    await recordFetch(
      ctx,
      p,
      docId,
      readable.map((d) => d.recipient),
    );

  const blobs = ctx.blobs;
  const stream = spliceBytes
    ? Readable.from(
        (async function* () {
          yield* first;
          yield spliceBytes;
          yield* await blobs.open(doc.blobKey, { start: doc.traceOffset!, end: doc.xmlEnd });
        })(),
        { objectMode: false },
      )
    : first;
  return { docId, messageType: doc.messageType, stream, size, contentType: 'application/xml; charset=utf-8' };
}

async function recordFetch(ctx: HubContext, p: Principal, docId: string, recipients: string[]): Promise<void> {
  const firstTime = await ctx.store.transaction(async (tx) => {
    const now = new Date();
    const current = (await tx.getDeliveries(docId)).filter((d) => recipients.includes(d.recipient));
    const fresh = current.filter((d) => d.fetchedAt === undefined);
    for (const d of fresh) await tx.updateDelivery(docId, d.recipient, { fetchedAt: now });
    await tx.insertEvents(
      fresh.map((d) => ({ docId, recipient: d.recipient, at: now, kind: 'fetched', actor: p.systemId })),
    );
    await recordAudit(tx, {
      actor: p.systemId,
      action: 'fetch',
      subject: docId,
      details: { recipients, first: fresh.length > 0 },
      at: now,
    });
    return fresh.length;
  });
  for (let i = 0; i < firstTime; i++) observe(ctx, (o) => o.delivered?.());
}

export async function openAttachment(
  ctx: HubContext,
  p: Principal,
  docId: string,
  index: number,
): Promise<AttachmentStream> {
  const access = await documentAccess(ctx, p, docId);
  if (!access.isSender && access.own.length > 0 && access.own.every((d) => d.state === 'withdrawn')) {
    throw new HubError('not-found', `document ${docId} was withdrawn by its sender`, { path: 'docId' });
  }
  const att = (await ctx.store.listAttachments(docId)).find((a) => a.index === index);
  if (!att) throw new HubError('not-found', `document ${docId} has no attachment ${index}`, { path: 'index' });
  await recordAudit(ctx.store, {
    actor: p.systemId,
    action: 'attachment-fetch',
    subject: docId,
    details: { index, sha256: att.sha256, size: att.size },
  });
  return {
    name: att.name ?? `attachment-${index}`,
    contentType: att.contentType ?? 'application/octet-stream',
    size: att.size,
    sha256: att.sha256,
    stream: await ctx.blobs.open(att.blobKey),
  };
}
