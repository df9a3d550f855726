// Where a package body is parsed: a body small enough to be held in memory (up to the tiered blob
// store's inline threshold, within its memory budget) is read whole and handed to an intake worker,
// which parses, validates, hashes and signature-checks it off the event loop; anything larger, or
// any body when there are no workers, takes the streaming path (spoolAndParse) unchanged. Both give
// the same Spooled package, the same refusals and the same verdicts.
//
// Whether a body is small enough is decided by its Content-Length when it has one (a larger one is
// not read here at all) and otherwise by reading up to the threshold: a body that turns out larger is
// handed to the streaming path with what was read put back in front of it. Memory held here is
// bounded by the threshold per request and by the blob store's budget overall.

import { Readable } from 'node:stream';
import type { ValidationIssue } from '@lienthong/edxml';
import type { TempBlob } from '../blobs/blob-store.js';
import { TieredBlobStore } from '../blobs/tiered-blob-store.js';
import type { HubContext } from '../core/hub-context.js';
import type { IntakeSignatureCheck } from '../signatures/intake-signature-check.js';
import { hubErrorFromParse } from './edxml-error-mapping.js';
import { HeldTempBlob } from './held-temp-blob.js';
import { requestChunks } from './request-chunks.js';
import { type Spooled, spoolAndParse } from './spool-and-parse.js';
import { toEdxmlError } from './workers/analyze-held.js';

export interface SpooledPackage extends Spooled {
  /** validatePackage's findings, when a worker already validated the package */
  issues?: ValidationIssue[];
  /** the signature check, when a worker already ran it (absent when validation found errors) */
  signatureCheck?: IntakeSignatureCheck;
}

export async function spoolPackage(ctx: HubContext, body: Readable): Promise<SpooledPackage> {
  const max = ctx.config.limits.maxBodyBytes;
  const pool = ctx.intakeWorkers;
  const tiers = ctx.blobs;
  if (!pool?.usable || !(tiers instanceof TieredBlobStore) || tiers.inlineThreshold <= 0) {
    return spoolAndParse(ctx.blobs, body, max);
  }
  const held = await readHeldBody(body, Math.min(tiers.inlineThreshold, max), tiers);
  if (held.kind === 'stream') return spoolAndParse(ctx.blobs, held.body, max);

  let outcome: Awaited<ReturnType<typeof pool.analyze>>;
  try {
    outcome = await pool.analyze(held.bytes);
  } catch (err) {
    tiers.release(held.reserved);
    throw err;
  }
  if (outcome.kind !== 'parsed') {
    tiers.release(held.reserved);
    if (outcome.kind === 'edxml-error') throw hubErrorFromParse(toEdxmlError(outcome));
    // something other than a refusal went wrong in the worker: the event loop does it as it always did
    return spoolAndParse(ctx.blobs, Readable.from([held.bytes], { objectMode: false }), max);
  }

  const { parsed, bodySha256, sha256, issues, signatureCheck } = outcome;
  const bodyBlob = new HeldTempBlob(tiers, held.bytes, bodySha256, held.reserved);
  const temps: TempBlob[] = [bodyBlob];
  const attachments = new Map<number, TempBlob>();
  const discard = async () => {
    for (const t of temps) await t.abort();
  };
  try {
    const infos = parsed.package.kind === 'document' ? parsed.package.attachments : [];
    for (const { index, bytes } of outcome.attachments) {
      const info = infos.find((a) => a.index === index);
      if (!info) throw new Error(`attachment ${index}: decoded by the worker but not in the package`);
      let temp: TempBlob;
      if (tiers.reserve(bytes.byteLength)) temp = new HeldTempBlob(tiers, bytes, info.sha256, bytes.byteLength);
      else {
        // the hub-wide memory budget is spent: the store's own temp (a file)
        temp = await tiers.createTemp({ inline: true });
        temps.push(temp);
        await temp.write(bytes);
        await temp.finish();
      }
      if (temp instanceof HeldTempBlob) temps.push(temp);
      info.ref = temp;
      attachments.set(index, temp);
    }
  } catch (err) {
    await discard();
    throw err;
  }
  const spooled: SpooledPackage = {
    parsed,
    body: bodyBlob,
    bodySha256,
    sha256,
    size: held.bytes.byteLength,
    attachments,
    discard,
    issues,
  };
  if (signatureCheck) spooled.signatureCheck = signatureCheck;
  return spooled;
}

type HeldBody = { kind: 'held'; bytes: Uint8Array; reserved: number } | { kind: 'stream'; body: Readable };

/**
 * Reads the body whole if it is at most `limit` bytes and its bytes fit in the memory budget; the
 * bytes land in a SharedArrayBuffer (a worker reads them without a copy). Otherwise hands back a
 * stream of the whole body for the streaming path. Upload failures are refused as spoolAndParse does.
 */
async function readHeldBody(body: Readable, limit: number, tiers: TieredBlobStore): Promise<HeldBody> {
  const declared = declaredLength(body);
  if (declared !== undefined && declared > limit) return { kind: 'stream', body };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let reserved = 0;
  let tooLarge = false;
  try {
    // a body too large to hold is left readable: the streaming path reads on from where this stopped
    for await (const chunk of requestChunks(body)) {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > limit || !tiers.reserve(chunk.byteLength)) {
        tooLarge = true;
        break;
      }
      reserved += chunk.byteLength;
    }
  } catch (err) {
    tiers.release(reserved);
    throw err;
  }
  if (tooLarge) {
    tiers.release(reserved);
    return { kind: 'stream', body: prefixed(chunks, body) };
  }
  const bytes = new Uint8Array(new SharedArrayBuffer(size));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { kind: 'held', bytes, reserved };
}

/** `rest` with `prefix` (already read from it) in front; an abort of `rest` is an abort of the result. */
function prefixed(prefix: Uint8Array[], rest: Readable): Readable {
  const out = Readable.from(
    (async function* () {
      yield* prefix;
      yield* rest.iterator({ destroyOnReturn: false });
    })(),
    { objectMode: false },
  );
  const onAborted = () => out.emit('aborted');
  rest.on('aborted', onAborted);
  out.once('close', () => rest.off('aborted', onAborted));
  return out;
}

function declaredLength(body: Readable): number | undefined {
  const value = (body as { headers?: Record<string, unknown> }).headers?.['content-length'];
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}
