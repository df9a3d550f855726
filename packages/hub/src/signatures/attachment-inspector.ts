// The background worker that verifies the signatures of accepted attachments, off the intake path.
// Its queue is durable (attachments not yet inspected, in the store), so a crash or a restart in the
// middle only means the work is picked up again at the next start. Verdicts are stored per content
// (sha256): the same bytes are never inspected twice.

import { inspectAttachment } from '@lienthong/trust';
import type { HubContext } from '../core/hub-context.js';
import type { AttachmentInspectionRecord, StoreOps, UninspectedAttachment } from '../store/store.js';
import { inspectionRecord } from './attachment-verdicts.js';
import { blobByteSource } from './blob-byte-source.js';

const BATCH = 64;
/**
 * A drain starts this long after the commit that asked for it: the attachments of the commits made
 * meanwhile are inspected with them and their verdicts saved in the same transaction (under light load,
 * one commit for the verdicts of several packages instead of one each).
 */
const GATHER_MS = 20;
/** claims in a row that fail (a deadlock, a lost connection) before the drain stops until the next kick */
const MAX_CLAIM_TROUBLES = 5;

export class AttachmentInspector {
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  /** attachments whose inspection threw (I/O, a bug): left pending, retried at the next start */
  private readonly failed = new Set<string>();

  constructor(private readonly ctx: HubContext) {}

  /** Starts draining the queue, or makes the running drain look again (after a commit). */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = new Promise((resolve) => setTimeout(resolve, GATHER_MS))
      .then(() => this.drain())
      .catch((err: unknown) => this.ctx.logger.error({ err }, 'attachment inspection stopped'))
      .finally(() => {
        this.running = undefined;
        if (this.again) this.kick();
      });
  }

  /** Resolves once nothing is left to inspect (everything committed before the call included). */
  async whenIdle(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
  }

  /** Finishes the attachment in hand and stops; the rest stays queued in the store. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    if (this.ctx.store.withClaimedAttachments) return this.drainClaimed();
    const store = this.ctx.store;
    while (!this.closed) {
      const asked = BATCH + this.failed.size;
      const listed = await store.listUninspectedAttachments(asked);
      const pending = listed.filter((a) => !this.failed.has(key(a))).slice(0, BATCH);
      if (pending.length === 0) return;
      const verdicts = await this.verdictsFor(pending, store);
      if (verdicts.size > 0) {
        await store.transaction((tx) => tx.saveAttachmentInspections([...verdicts.values()]));
      }
      // fewer than asked for: that was the whole queue
      if (listed.length < asked) return;
    }
  }

  /**
   * Several hub nodes on one database: every node's inspector would list the same queue and inspect the
   * same attachments. Each claims a batch of attachments that no other node holds (FOR UPDATE SKIP
   * LOCKED), inspects them and saves their verdicts in the transaction that holds the claim: one
   * transaction (and one commit) per batch, not per attachment.
   */
  private async drainClaimed(): Promise<void> {
    const claim = this.ctx.store.withClaimedAttachments!.bind(this.ctx.store);
    let troubles = 0;
    while (!this.closed) {
      let more: boolean;
      const asked = BATCH + this.failed.size;
      try {
        more = await claim(asked, async (claimed, ops) => {
          const pending = claimed.filter((c) => !this.failed.has(key(c))).slice(0, BATCH);
          if (pending.length === 0) return false;
          await ops.saveAttachmentInspections([...(await this.verdictsFor(pending, ops)).values()]);
          // fewer than asked for: the rest of the queue, if any, is held by other nodes
          return claimed.length === asked;
        });
        troubles = 0;
      } catch (err) {
        // e.g. a deadlock with another node saving the verdict of the same bytes: its verdict stands,
        // or the attachments are claimed again
        if (++troubles >= MAX_CLAIM_TROUBLES) throw err;
        this.ctx.logger.warn({ err }, 'attachment inspection claim failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, 20 * troubles));
        continue;
      }
      if (!more) return;
    }
  }

  /**
   * The verdicts on `pending`'s contents: those known already in one look-up, the others inspected now
   * (an attachment whose inspection fails gets none and stays pending).
   */
  private async verdictsFor(
    pending: UninspectedAttachment[],
    ops: Pick<StoreOps, 'getAttachmentInspections'>,
  ): Promise<Map<string, AttachmentInspectionRecord>> {
    const known = new Map(
      (await ops.getAttachmentInspections([...new Set(pending.map((a) => a.sha256))])).map((r) => [r.sha256, r]),
    );
    const verdicts = new Map<string, AttachmentInspectionRecord>();
    for (const a of pending) {
      if (this.closed) break;
      if (verdicts.has(a.sha256)) continue;
      const record = known.get(a.sha256) ?? (await this.inspect(a));
      if (record) verdicts.set(a.sha256, record);
    }
    return verdicts;
  }

  /** `a` inspected now; undefined when inspection failed (left pending, retried at the next start) */
  private async inspect(a: UninspectedAttachment): Promise<AttachmentInspectionRecord | undefined> {
    const { blobs, pki, logger } = this.ctx;
    try {
      const checkedAt = new Date();
      const started = performance.now();
      const inspection = await inspectAttachment(blobByteSource(blobs, a.blobKey, a.size), {
        trustAnchors: pki.anchors,
        intermediates: pki.intermediates,
        crls: pki.crls.current(),
        now: checkedAt,
      });
      const record = inspectionRecord(a.sha256, inspection, checkedAt);
      logger.debug(
        {
          docId: a.docId,
          attachment: a.index,
          outcome: record.outcome,
          signatures: record.signatures.map((s) => s.status),
          ms: Math.round(performance.now() - started),
        },
        'attachment inspected',
      );
      return record;
    } catch (err) {
      return this.failedOn(a, err);
    }
  }

  /** `a` is left pending (retried at the next start) */
  private failedOn(a: UninspectedAttachment, err: unknown): undefined {
    this.failed.add(key(a));
    this.ctx.logger.error(
      { err, docId: a.docId, attachment: a.index },
      'attachment inspection failed; retried at next start',
    );
    return undefined;
  }
}

function key(a: UninspectedAttachment): string {
  return `${a.docId}/${a.index}`;
}
