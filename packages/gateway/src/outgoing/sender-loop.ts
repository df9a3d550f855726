// Pushes one tenant's outgoing spool to the hub, oldest first. While the hub is unreachable, answers 5xx, or
// refuses the tenant's key (401), the head of the queue waits with exponential back-off and nothing behind it
// overtakes it: order is kept. Another 4xx refuses that package: it is marked failed with the hub's message
// and the queue moves on.

import { createReadStream } from 'node:fs';
import { basename, join } from 'node:path';
import { ConnectionError, LienthongApiError, type SubmitResult } from '@lienthong/client';
import { freeName } from '../folder/folder-layout.js';
import { writeDurably } from '../spool/durable-file.js';
import type { OutgoingRow } from '../spool/spool.js';
import { Backoff, pause } from '../support/timing.js';
import { hubContact, type TenantContext, tenantError } from '../tenant/tenant-context.js';

/** Whether a failed submission is worth repeating as is (the hub, not the package, is the problem). */
export function isTransient(err: unknown): boolean {
  if (err instanceof ConnectionError) return true;
  if (err instanceof LienthongApiError)
    return err.status >= 500 || err.status === 401 || err.status === 408 || err.status === 429;
  return !(err instanceof Error && (err as NodeJS.ErrnoException).code === 'ENOENT');
}

export function describeHubError(err: unknown): string {
  if (err instanceof LienthongApiError)
    return `hub answered ${err.status} ${err.code}${err.path ? ` at ${err.path}` : ''}: ${err.message}`;
  if (err instanceof ConnectionError) return `hub unreachable: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export async function runSender(t: TenantContext): Promise<void> {
  const backoff = new Backoff(t.gateway.retry.baseDelayMs, t.gateway.retry.maxDelayMs);
  while (!t.signal.aborted) {
    const next = t.spool.nextQueued();
    if (!next) {
      await t.senderWaker.wait(60_000, t.signal);
      continue;
    }
    let result: SubmitResult;
    try {
      result = await t.client.submit(t.spool.outPath(next.localId), { signal: t.signal });
    } catch (err) {
      if (t.signal.aborted) return;
      const message = describeHubError(err);
      if (isTransient(err)) {
        t.spool.attempted(next.seq, message);
        tenantError(t, message);
        t.metrics.inc('lienthong_gateway_hub_errors_total', { agency: t.config.agency });
        const delay = backoff.next();
        t.logger.warn({ localId: next.localId, attempts: next.attempts + 1, retryInMs: delay }, message);
        await pause(delay, t.signal);
      } else {
        if (err instanceof LienthongApiError) hubContact(t);
        t.spool.markFailed(next.seq, message);
        t.metrics.inc('lienthong_gateway_packages_refused_total', { agency: t.config.agency });
        t.logger.warn({ localId: next.localId }, `outgoing package refused: ${message}`);
        await settleInFolder(t, next, { failed: message });
        backoff.reset();
      }
      continue;
    }
    hubContact(t);
    backoff.reset();
    await t.hooks.afterSubmit?.(t.config.agency, next.localId, result.docId);
    t.spool.markSent(next.seq, result);
    t.metrics.inc('lienthong_gateway_packages_sent_total', { agency: t.config.agency });
    t.logger.info(
      { localId: next.localId, docId: result.docId, duplicate: result.duplicate, recipients: result.recipients },
      'outgoing package accepted by the hub',
    );
    await settleInFolder(t, next, { sent: result });
  }
}

/** A package handed over through the folder ends in sent/ (with its DocId and receipt) or failed/ (with why). */
async function settleInFolder(
  t: TenantContext,
  row: OutgoingRow,
  outcome: { sent: SubmitResult } | { failed: string },
): Promise<void> {
  const folder = t.config.folder;
  if (row.origin !== 'folder' || !folder || !row.sourceName) return;
  try {
    if ('sent' in outcome) {
      const target = freeName(join(folder, 'sent'), basename(row.sourceName), row.localId);
      await copyToFolder(t.spool.outPath(row.localId), target);
      const r = outcome.sent;
      await writeDurably(
        `${target}.json`,
        `${JSON.stringify(
          {
            localId: row.localId,
            docId: r.docId,
            duplicate: r.duplicate,
            recipients: r.recipients,
            warnings: r.warnings,
            sha256: r.sha256,
            receipt: r.receipt,
            sentAt: new Date().toISOString(),
          },
          null,
          2,
        )}\n`,
      );
    } else {
      await failInFolder(folder, row.sourceName, row.localId, outcome.failed, t.spool.outPath(row.localId));
    }
  } catch (e) {
    t.logger.error({ localId: row.localId, err: e }, 'cannot write the outcome into the folder');
  }
}

function copyToFolder(from: string, target: string): Promise<void> {
  return writeDurably(target, createReadStream(from));
}

/** `failed/<name>` (the package) and `failed/<name>.error.txt` (why). */
export async function failInFolder(
  folder: string,
  sourceName: string,
  tag: string,
  reason: string,
  packagePath: string,
): Promise<void> {
  const target = freeName(join(folder, 'failed'), basename(sourceName), tag);
  await writeDurably(`${target}.error.txt`, `${reason}\n`);
  await writeDurably(target, createReadStream(packagePath));
}
