// Reads the request body exactly once: every chunk goes to a temp blob (hashed, counted, bounded)
// and on to the streaming parser, whose attachment sink writes each decoded attachment to its own
// temp blob. Backpressure: a chunk is handed to the parser only after it is written to disk, and
// the next chunk is read only when the parser asks for it. Memory does not grow with the package.

import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type AttachmentSink, type ParseResult, parseEdxml } from '@lienthong/edxml';
import { PackageSignatureVerifier } from '@lienthong/trust';
import type { BlobStore, TempBlob } from '../blobs/blob-store.js';
import { HubError } from '../core/contract.js';
import { hubErrorFromParse } from './edxml-error-mapping.js';
import { requestChunks } from './request-chunks.js';
import { WriteBehind, writeChunks } from './write-behind.js';

/** bytes of the body, and of each attachment, that may be on their way to disk while parsing goes on */
const WRITE_BEHIND_BYTES = 1024 * 1024;

export interface Spooled {
  parsed: ParseResult;
  body: TempBlob;
  /** SHA-256 of the whole body: the raw blob's key */
  bodySha256: string;
  /**
   * SHA-256 of the package itself, from its first XML byte to the end of the body: what a client
   * hashes (the Java SDK's multipart preamble is not part of it). Equals bodySha256 without a preamble.
   */
  sha256: string;
  size: number;
  /**
   * The package's XML signature, digested while parsing (the parser's tokenizer fed it every event):
   * ask it for the verdict. Absent when the package was parsed elsewhere (an intake worker).
   */
  signatureVerifier?: PackageSignatureVerifier;
  /** temp blobs of the attachments, by attachment index */
  attachments: Map<number, TempBlob>;
  /** removes every temp blob (after a refusal) */
  discard(): Promise<void>;
}

export async function spoolAndParse(blobs: BlobStore, body: Readable, maxBodyBytes: number): Promise<Spooled> {
  const temps: TempBlob[] = [];
  const attachments = new Map<number, TempBlob>();
  const discard = async () => {
    for (const t of temps) await t.abort();
  };
  try {
    const bodyTemp = await blobs.createTemp({ inline: true });
    temps.push(bodyTemp);
    const bodyWrites = new WriteBehind((chunks) => writeChunks(bodyTemp, chunks), WRITE_BEHIND_BYTES);
    let size = 0;
    // hashes from the first '<' on: almost always where the parser will say the XML starts. When that
    // is the body's first byte (no preamble: the usual case) it is the body's own hash, not computed twice.
    let fromFirstLt: { offset: number; hash: Hash | undefined } | undefined;

    async function* tee(): AsyncGenerator<Uint8Array> {
      for await (const chunk of requestChunks(body)) {
        size += chunk.byteLength;
        if (size > maxBodyBytes) {
          throw new HubError(
            'too-large',
            `body exceeds the ${formatBytes(maxBodyBytes)} limit (${maxBodyBytes} bytes)`,
            {
              details: { limit: maxBodyBytes },
            },
          );
        }
        await bodyWrites.write(chunk);
        if (fromFirstLt) fromFirstLt.hash?.update(chunk);
        else {
          const lt = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).indexOf(0x3c);
          const offset = size - chunk.byteLength + lt;
          if (lt >= 0 && offset === 0) fromFirstLt = { offset, hash: undefined };
          else if (lt >= 0) {
            fromFirstLt = { offset, hash: createHash('sha256') };
            fromFirstLt.hash!.update(chunk.subarray(lt));
          }
        }
        yield chunk;
      }
    }

    const sink: AttachmentSink = {
      begin(index) {
        const created = blobs.createTemp({ inline: true }).then((t) => {
          temps.push(t);
          attachments.set(index, t);
          return t;
        });
        created.catch(() => undefined);
        const writes = new WriteBehind(async (chunks) => writeChunks(await created, chunks), WRITE_BEHIND_BYTES);
        return {
          write: (chunk) => writes.write(chunk),
          end: () => {
            throw new Error('the parser ends a hashing writer with endHashed');
          },
          // the temp hashes what it writes: the parser leaves the decoded bytes to its hash
          endHashed: async (size) => {
            await writes.flush();
            const t = await created;
            const done = await t.finish();
            if (done.size !== size) {
              throw new Error(`attachment ${index}: spooled ${done.size} bytes, the parser decoded ${size}`);
            }
            return { sha256: done.sha256, ref: t };
          },
          abort: async () => {
            await (await created.catch(() => undefined))?.abort();
          },
        };
      },
    };

    let parsed: ParseResult;
    const signatureVerifier = new PackageSignatureVerifier();
    try {
      parsed = await parseEdxml(tee(), {
        attachmentSink: sink,
        limits: { maxAttachmentBytes: maxBodyBytes },
        tap: (event) => signatureVerifier.push(event),
      });
    } catch (err) {
      throw hubErrorFromParse(err);
    }
    await bodyWrites.flush();
    const { sha256: bodySha256 } = await bodyTemp.finish();
    let sha256 = bodySha256;
    if (parsed.xmlStart > 0) {
      sha256 =
        fromFirstLt?.offset === parsed.xmlStart && fromFirstLt.hash
          ? fromFirstLt.hash.digest('hex')
          : await hashStream(bodyTemp.read({ start: parsed.xmlStart, end: size }));
    }
    return {
      parsed,
      body: bodyTemp,
      bodySha256,
      sha256,
      size,
      signatureVerifier,
      attachments,
      discard,
    };
  } catch (err) {
    await discard();
    throw err;
  }
}

async function hashStream(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

export function formatBytes(n: number): string {
  const MB = 1024 * 1024;
  if (n >= MB && n % MB === 0) return `${n / MB} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}
