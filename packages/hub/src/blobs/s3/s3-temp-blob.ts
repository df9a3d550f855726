// A blob streamed to the object store while it is written, hashed on the fly: buffered up to one part,
// which is uploaded (a multipart upload under a temporary key) while the next one fills. A blob that
// ends within its first part is sent with one PutObject instead. Commit copies it to its content key.

import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { ByteRange, TempBlob } from '../blob-store.js';
import type { S3BlobStore } from './s3-blob-store.js';

type State = 'open' | 'finished' | 'committed' | 'aborted' | 'failed';

export class S3TempBlob implements TempBlob {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  /** the part being filled: copies of the written chunks (the caller may reuse its buffers) */
  private chunks: Buffer[] = [];
  private buffered = 0;
  private uploadId: string | undefined;
  private readonly parts: { ETag: string; PartNumber: number }[] = [];
  /** the part being uploaded; never rejects (its error is kept in `failure`) */
  private inflight: Promise<void> | undefined;
  private failure: unknown;
  /** an object exists under the temporary key */
  private stored = false;
  private digest: string | undefined;
  private finishing: Promise<{ sha256: string; size: number }> | undefined;
  /** the part a write is starting (settled: never rejects); abort waits for it */
  private writing: Promise<void> | undefined;
  private state: State = 'open';

  constructor(
    private readonly store: S3BlobStore,
    /** the temporary object key */
    readonly tempKey: string,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    if (this.state === 'failed') throw this.failure;
    if (this.state !== 'open' || this.finishing) throw new Error('temp blob is closed');
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
    this.chunks.push(Buffer.from(chunk));
    this.buffered += chunk.byteLength;
    if (this.buffered < this.store.partSize) return;
    const step = (async () => {
      // backpressure: at most one part in flight while the next one fills
      await this.settle();
      if (this.state !== 'open') throw new Error('temp blob is closed');
      await this.startPart();
    })();
    this.writing = step.catch(() => undefined);
    try {
      await step;
    } catch (err) {
      await this.fail(err);
      throw err;
    }
  }

  finish(): Promise<{ sha256: string; size: number }> {
    if (this.digest !== undefined) return Promise.resolve({ sha256: this.digest, size: this.bytes });
    if (this.state === 'failed') return Promise.reject(this.failure);
    if (this.state !== 'open') return Promise.reject(new Error('temp blob was aborted'));
    this.finishing ??= this.upload().then(
      () => {
        this.digest = this.hash.digest('hex');
        this.state = 'finished';
        return { sha256: this.digest, size: this.bytes };
      },
      async (err: unknown) => {
        await this.fail(err);
        throw err;
      },
    );
    return this.finishing;
  }

  async commit(): Promise<string> {
    const { sha256, size } = await this.finish();
    if (this.state === 'committed') return sha256;
    if (this.state !== 'finished') throw new Error('temp blob was aborted');
    const target = this.store.blobKey(sha256);
    const existing = await this.store.head(target);
    // Already there: rewritten anyway when old enough, which refreshes its modification time, so that to
    // the garbage collector it is as young as a new blob until this commit's transaction references it
    // (and restores it should the collector have just deleted it).
    const fresh =
      existing !== undefined &&
      existing.size === size &&
      Date.now() - existing.modifiedAt.getTime() < this.store.refreshAfterMs;
    if (!fresh) await this.store.copy(this.tempKey, target, size);
    this.state = 'committed';
    // a temporary object left by a failure here is removed by a later init
    await this.store.deleteObject(this.tempKey).then(
      () => {
        this.stored = false;
      },
      () => undefined,
    );
    return sha256;
  }

  read(range?: ByteRange): Readable {
    if (this.state !== 'finished') throw new Error('only a finished, uncommitted temp blob can be read');
    const store = this.store;
    const key = this.tempKey;
    return Readable.from(
      (async function* () {
        yield* await store.openObject(key, range);
      })(),
      { objectMode: false },
    );
  }

  async abort(): Promise<void> {
    if (this.state === 'committed' || this.state === 'aborted') return;
    const failed = this.state === 'failed';
    this.state = 'aborted';
    if (failed) return; // `fail` cleaned up already
    // a write or finish under way (a client gone mid-upload) completes its request first
    await this.writing;
    await this.finishing?.catch(() => undefined);
    await this.cleanup();
  }

  /** sends what is buffered: one PutObject for a small blob, else the last part and the completion */
  private async upload(): Promise<void> {
    await this.settle();
    if (this.uploadId === undefined) {
      const Body = this.takeBuffered();
      await this.store.client.send(
        new PutObjectCommand({
          Bucket: this.store.bucket,
          Key: this.tempKey,
          Body,
          ContentLength: Body.byteLength,
        }),
      );
      this.stored = true;
      return;
    }
    if (this.buffered > 0) {
      await this.startPart();
      await this.settle();
    }
    await this.store.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.store.bucket,
        Key: this.tempKey,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: this.parts },
      }),
    );
    this.uploadId = undefined;
    this.stored = true;
  }

  /** uploads the buffered bytes as the next part, in the background */
  private async startPart(): Promise<void> {
    if (this.uploadId === undefined) {
      const r = await this.store.client.send(
        new CreateMultipartUploadCommand({ Bucket: this.store.bucket, Key: this.tempKey }),
      );
      if (!r.UploadId) throw new Error('S3 CreateMultipartUpload returned no UploadId');
      this.uploadId = r.UploadId;
    }
    const Body = this.takeBuffered();
    const PartNumber = this.parts.length + 1;
    const part = { ETag: '', PartNumber };
    this.parts.push(part);
    this.inflight = this.store.client
      .send(
        new UploadPartCommand({
          Bucket: this.store.bucket,
          Key: this.tempKey,
          UploadId: this.uploadId,
          PartNumber,
          Body,
          ContentLength: Body.byteLength,
        }),
      )
      .then((r) => {
        if (!r.ETag) throw new Error(`S3 UploadPart ${PartNumber} returned no ETag`);
        part.ETag = r.ETag;
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      });
  }

  /** waits for the part in flight; throws its error */
  private async settle(): Promise<void> {
    await this.inflight;
    this.inflight = undefined;
    if (this.failure !== undefined) throw this.failure;
  }

  private takeBuffered(): Buffer {
    const b = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    return b;
  }

  private async fail(err: unknown): Promise<void> {
    if (this.state === 'failed' || this.state === 'aborted') return;
    this.failure ??= err;
    this.state = 'failed';
    await this.cleanup();
  }

  /** aborts the multipart upload and deletes the temporary object; never throws */
  private async cleanup(): Promise<void> {
    // a part still uploading would otherwise land after the abort (S3 then keeps its bytes)
    await this.inflight;
    this.inflight = undefined;
    this.chunks = [];
    this.buffered = 0;
    const { client, bucket } = this.store;
    if (this.uploadId !== undefined) {
      const UploadId = this.uploadId;
      this.uploadId = undefined;
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: this.tempKey, UploadId }))
        .catch(() => undefined);
    }
    if (this.stored) {
      this.stored = false;
      await this.store.deleteObject(this.tempKey).catch(() => undefined);
    }
  }
}
