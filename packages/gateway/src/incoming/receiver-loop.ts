// Takes one tenant's incoming packages (documents or statuses) off the hub: long-polls the inbox, fetches each
// package, checks its signature, stores it durably in the spool and hands it to the folder — and only then
// acknowledges it at the hub. A gateway stopped anywhere in between loses nothing: the package is still in the
// hub's inbox (fetched again, recognised by its DocId, not delivered twice) or in the spool (acknowledged at
// the next start).

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { InboxItem } from '@lienthong/client';
import { LienthongApiError } from '@lienthong/client';
import { type EdxmlPackage, parseEdxml } from '@lienthong/edxml';
import { describeHubError, isTransient } from '../outgoing/sender-loop.js';
import { isSafeName, moveDurably, writeDurably } from '../spool/durable-file.js';
import type { IncomingRow, Placement } from '../spool/spool.js';
import { Backoff, pause } from '../support/timing.js';
import { hubContact, type TenantContext, tenantError } from '../tenant/tenant-context.js';
import { type IncomingVerdict, verifyIncoming } from './verify-incoming.js';

export async function runReceiver(t: TenantContext, type: 'edoc' | 'status'): Promise<void> {
  const backoff = new Backoff(t.gateway.retry.baseDelayMs, t.gateway.retry.maxDelayMs);
  while (!t.signal.aborted) {
    try {
      // stored before a restart but not yet acknowledged
      for (const row of t.spool.unacked()) if (row.messageType === type) await finish(t, row);
      const page = await t.client.inbox({ type, wait: t.gateway.poll.waitSeconds, limit: 50, signal: t.signal });
      hubContact(t);
      for (const item of page.items) {
        if (t.signal.aborted) return;
        await receive(t, item);
      }
      backoff.reset();
    } catch (err) {
      if (t.signal.aborted) return;
      const message = describeHubError(err);
      tenantError(t, message);
      t.metrics.inc('lienthong_gateway_hub_errors_total', { agency: t.config.agency });
      const delay = backoff.next();
      t.logger.warn({ type, retryInMs: delay }, `receiving: ${message}`);
      await pause(delay, t.signal);
    }
  }
}

async function receive(t: TenantContext, item: InboxItem): Promise<void> {
  if (!isSafeName(item.docId)) {
    // never used as a file name: refused at the hub so that it does not come back
    t.logger.error({ docId: item.docId.slice(0, 200) }, 'the hub listed a DocId unfit for a file name');
    await t.client.ack(item.docId, 'fail', 'DocId refused by the gateway: not a safe file name');
    return;
  }
  const row = t.spool.incoming(item.docId) ?? (await fetchAndStore(t, item));
  await finish(t, row);
}

async function fetchAndStore(t: TenantContext, item: InboxItem): Promise<IncomingRow> {
  const { docId } = item;
  const part = join(t.spool.tmpDir, `${docId}.part`);
  const hash = createHash('sha256');
  let size = 0;
  const stream: Readable = await t.client.download(docId, { signal: t.signal });
  async function* hashing(): AsyncIterable<Uint8Array> {
    for await (const chunk of stream) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  await writeDurably(part, hashing());
  const verdict = await verifyIncoming(part, { trustAnchors: t.anchors, expectedAgency: item.from });
  const pkg = await parseEdxml(createReadStream(part)).then(
    (r) => r.package,
    () => undefined,
  );
  const placement: Placement =
    verdict.status !== 'valid' && t.config.incoming === 'quarantine'
      ? 'quarantine'
      : item.messageType === 'status'
        ? 'statuses'
        : 'inbox';
  await moveDurably(part, t.spool.inPath(docId));
  const facts = factsOf(item, pkg);
  t.spool.recordIncoming({
    docId,
    messageType: item.messageType,
    from: item.from,
    sha256: hash.digest('hex'),
    size,
    verdict: JSON.stringify(verdict),
    placement,
    ...facts,
  });
  t.logger.info(
    { docId, type: item.messageType, from: item.from, signature: verdict.status, placement },
    'incoming package stored',
  );
  return t.spool.incoming(docId)!;
}

function factsOf(
  item: InboxItem,
  pkg: EdxmlPackage | undefined,
): Pick<IncomingRow, 'subject' | 'documentId' | 'statusCode' | 'responseForDocId'> {
  const subject = pkg?.kind === 'document' ? pkg.header.subject : item.subject;
  const documentId =
    pkg?.kind === 'document'
      ? pkg.header.documentId
      : pkg?.kind === 'status'
        ? pkg.responseFor.documentId
        : item.documentId;
  const statusCode = pkg?.kind === 'status' ? pkg.statusCode : item.statusCode;
  return {
    ...(subject ? { subject } : {}),
    ...(documentId ? { documentId } : {}),
    ...(statusCode ? { statusCode } : {}),
    ...(item.responseForDocId ? { responseForDocId: item.responseForDocId } : {}),
  };
}

/** The metadata written beside the package in the folder (`<DocId>.json`) and answered by the local API. */
export function metadataOf(t: TenantContext, row: IncomingRow): Record<string, unknown> {
  return {
    docId: row.docId,
    messageType: row.messageType,
    from: row.from,
    to: t.config.agency,
    ...(row.documentId ? { documentId: row.documentId } : {}),
    ...(row.subject ? { subject: row.subject } : {}),
    ...(row.statusCode ? { statusCode: row.statusCode } : {}),
    ...(row.responseForDocId ? { responseForDocId: row.responseForDocId } : {}),
    receivedAt: row.receivedAt,
    sha256: row.sha256,
    size: row.size,
    placement: row.placement,
    signature: JSON.parse(row.verdict) as IncomingVerdict,
    ...(row.ackedAt ? { ackedAt: row.ackedAt } : {}),
    ...(row.handledAt ? { handledAt: row.handledAt } : {}),
  };
}

async function finish(t: TenantContext, row: IncomingRow): Promise<void> {
  const { docId } = row;
  if (row.state === 'stored') {
    const folder = t.config.folder;
    if (folder) {
      const dir = join(folder, row.placement);
      // the metadata first: when `<DocId>.edxml` appears, its `.json` is there
      await writeDurably(join(dir, `${docId}.json`), `${JSON.stringify(metadataOf(t, row), null, 2)}\n`);
      await writeDurably(join(dir, `${docId}.edxml`), createReadStream(t.spool.inPath(docId)));
    }
    t.spool.setIncomingState(docId, 'delivered');
  }
  await t.hooks.beforeAck?.(t.config.agency, docId);
  const verdict = JSON.parse(row.verdict) as IncomingVerdict;
  try {
    if (row.placement === 'quarantine') {
      const why = verdict.reasons.find((r) => r.severity !== 'note')?.message ?? verdict.status;
      await t.client.ack(
        docId,
        'fail',
        `quarantined by the recipient's gateway: signature ${verdict.status}: ${why}`.slice(0, 500),
      );
    } else await t.client.ack(docId, 'done');
  } catch (err) {
    if (isTransient(err) || !(err instanceof LienthongApiError)) throw err;
    // the hub will not take this acknowledgement (withdrawn, recalled…): nothing more to tell it
    t.logger.warn({ docId }, `acknowledgement refused: ${describeHubError(err)}`);
  }
  hubContact(t);
  t.spool.setIncomingState(docId, 'acked');
  t.metrics.inc('lienthong_gateway_packages_received_total', { agency: t.config.agency, type: row.messageType });
}
