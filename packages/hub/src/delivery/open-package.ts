// Reading a package (with the hub's TraceHeader spliced in) or one of its attachments.

import { Readable } from 'node:stream';
import { recordAudit } from '../audit/audit-trail.js';
import { type AttachmentStream, HubError, type PackageStream, type Principal } from '../core/contract.js';
import { type HubContext, observe } from '../core/hub-context.js';
import { documentAccess } from './document-access.js';
import { SplicedPackageCache, splicedPackageKey } from './spliced-package-cache.js';
import { hubTraceHeaderXml } from './trace-splice.js';

/** each hub's small packages as delivered lately */
const splicedCaches = new WeakMap<HubContext, SplicedPackageCache>();
function splicedCache(ctx: HubContext): SplicedPackageCache {
  let cache = splicedCaches.get(ctx);
  if (!cache) {
    cache = new SplicedPackageCache();
    splicedCaches.set(ctx, cache);
  }
  return cache;
}

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
  // Open the blob before recording the read: a missing blob must not count as a delivery. Opened once
  // (one read of an inline blob, one file handle); the hub's TraceHeader is spliced in as it streams.
  const range = { start: doc.xmlStart, end: doc.xmlEnd };
  const at = Math.max(0, (doc.traceOffset ?? doc.xmlStart) - doc.xmlStart);
  const keptKey = splice === undefined ? undefined : splicedPackageKey(doc.blobKey, range.start, range.end, at, splice);
  // the package as another recipient just got it: made from this very blob (its content address), so the
  // blob exists and need not be read again
  const kept = keptKey === undefined ? undefined : splicedCache(ctx).peek(keptKey);
  // a small package kept inline is taken whole (one buffer, no stream machinery)
  const inline = kept ? undefined : await ctx.blobs.inlineBytes?.(doc.blobKey, range);
  const xml = kept || inline ? undefined : await ctx.blobs.open(doc.blobKey, range);

  if (readable.length > 0)
    await recordFetch(
      ctx,
      p,
      docId,
      readable.map((d) => d.recipient),
    );

  const contentType = 'application/xml; charset=utf-8';
  if (kept || inline) {
    const bytes =
      kept ??
      (keptKey === undefined
        ? inline!
        : splicedCache(ctx).get(keptKey, () =>
            Buffer.concat([inline!.subarray(0, at), spliceBytes!, inline!.subarray(at)], size),
          ));
    // the stream only for a caller that asks for it (the /v1 route sends the bytes)
    let stream: Readable | undefined;
    return {
      docId,
      messageType: doc.messageType,
      get stream() {
        stream ??= Readable.from([bytes], { objectMode: false });
        return stream;
      },
      size,
      contentType,
      bytes,
    };
  }
  const stream = spliceBytes
    ? Readable.from(spliceAt(xml!, doc.traceOffset! - doc.xmlStart, spliceBytes), { objectMode: false })
    : xml!;
  return { docId, messageType: doc.messageType, stream, size, contentType };
}

/** the bytes of `source` with `insert` placed at byte `offset` */
export async function* spliceAt(
  source: AsyncIterable<Uint8Array>,
  offset: number,
  insert: Buffer,
): AsyncGenerator<Buffer> {
  let pos = 0;
  let inserted = false;
  for await (const piece of source) {
    const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
    if (!inserted && pos + chunk.length >= offset) {
      const cut = offset - pos;
      if (cut > 0) yield chunk.subarray(0, cut);
      yield insert;
      inserted = true;
      if (cut < chunk.length) yield chunk.subarray(cut);
    } else {
      yield chunk;
    }
    pos += chunk.length;
  }
  if (!inserted) yield insert;
}

async function recordFetch(ctx: HubContext, p: Principal, docId: string, recipients: string[]): Promise<void> {
  let link: string | undefined;
  const firstTime = await ctx.store.transaction(async (tx) => {
    const now = new Date();
    // the deliveries fetched for the first time, found and marked by one statement (kept in seq order)
    const marked = new Set(await tx.markFetched(docId, recipients, now));
    const fresh = recipients.filter((r) => marked.has(r));
    await tx.insertEvents(
      fresh.map((recipient) => ({ docId, recipient, at: now, kind: 'fetched', actor: p.systemId })),
    );
    await recordAudit(tx, {
      actor: p.systemId,
      action: 'fetch',
      subject: docId,
      details: { recipients, first: fresh.length > 0 },
      at: now,
    });
    // federation: a package that came over a link tells the hub it came from that it was fetched
    if (ctx.federation) link = await ctx.federation.onTransport(tx, docId, fresh, { kind: 'fetched', at: now });
    return fresh.length;
  });
  if (link) ctx.federation?.kick([link]);
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
