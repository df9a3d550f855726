// Blobs as objects of an S3-compatible object store (AWS S3, MinIO, Ceph RGW, ...):
// `<prefix>blobs/<sha256>`, written through `<prefix>tmp/<name>`.
//
// A blob's key is its SHA-256, known only once its last byte is written, while the bytes stream to the
// object store as they are written (bounded memory: one part being buffered, one being uploaded). So a
// temp blob is uploaded under a temporary key (a multipart upload, or one PutObject when it ends
// within the first part), then copied server-side to its content key and the temporary object
// deleted. Several hub nodes may share the bucket: any of them serves any blob, since a content key
// is written only whole (CopyObject is atomic) and always holds the same bytes.

import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { HubError } from '../../core/contract.js';
import type { BlobStore, ByteRange, StoredFile, TempBlob } from '../blob-store.js';
import { S3TempBlob } from './s3-temp-blob.js';

const KEY = /^[0-9a-f]{64}$/;
const MiB = 1024 * 1024;
/** the largest object CopyObject copies in one request; larger ones are copied part by part */
export const MAX_SINGLE_COPY = 5 * 1024 * MiB;

export interface S3BlobStoreOptions {
  bucket: string;
  /** e.g. http://minio:9000; default: the AWS endpoint of `region` */
  endpoint?: string;
  region: string;
  /** bucket in the path (http://host/bucket/key), as MinIO and Ceph RGW usually need */
  forcePathStyle: boolean;
  /** both or neither; neither: the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, instance role) */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** prepended to every object key: several hubs (or other data) may share a bucket */
  prefix: string;
  /** bytes per part of a multipart upload (at least 5 MiB, S3's minimum for all parts but the last) */
  partSize: number;
  /**
   * A commit that finds its blob already stored rewrites it (a server-side copy that refreshes its
   * modification time, for the garbage collector's age guard) unless the stored object is younger
   * than this (default 5 minutes). The collector never deletes an object younger than this either.
   */
  refreshAfterMs?: number;
  /** bytes per UploadPartCopy request when copying an object larger than `maxSingleCopy` (tests) */
  copyPartSize?: number;
  /** largest object copied with one CopyObject (default 5 GiB, S3's limit; tests lower it) */
  maxSingleCopy?: number;
  /** temporary objects and multipart uploads older than this are removed at init (default 24 h) */
  staleTempMs?: number;
  /** keys per ListObjectsV2 page (default: the server's, 1000 on S3) */
  listPageSize?: number;
  /** how long a connection to the object store may take to open (default 10 s) */
  connectTimeoutMs?: number;
  /**
   * how long a request's connection may stay silent before it fails as unavailable (default 5 min: long
   * enough for a slow client's download that holds back an object's stream, short enough that a stuck
   * object store does not hold requests forever)
   */
  idleTimeoutMs?: number;
  /** extra SDK client settings (tests) */
  clientConfig?: Partial<S3ClientConfig>;
}

export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  readonly bucket: string;
  readonly blobPrefix: string;
  readonly tempPrefix: string;
  readonly partSize: number;
  readonly refreshAfterMs: number;
  readonly copyPartSize: number;
  readonly maxSingleCopy: number;
  private readonly staleTempMs: number;
  private readonly listPageSize: number | undefined;

  constructor(opts: S3BlobStoreOptions) {
    if (opts.partSize < 5 * MiB) throw new Error('S3 multipart parts must be at least 5 MiB');
    const prefix = opts.prefix === '' || opts.prefix.endsWith('/') ? opts.prefix : `${opts.prefix}/`;
    this.bucket = opts.bucket;
    this.blobPrefix = `${prefix}blobs/`;
    this.tempPrefix = `${prefix}tmp/`;
    this.partSize = opts.partSize;
    this.refreshAfterMs = opts.refreshAfterMs ?? 5 * 60_000;
    this.copyPartSize = opts.copyPartSize ?? 512 * MiB;
    this.maxSingleCopy = opts.maxSingleCopy ?? MAX_SINGLE_COPY;
    this.staleTempMs = opts.staleTempMs ?? 24 * 3600_000;
    this.listPageSize = opts.listPageSize;
    this.client = new S3Client({
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.accessKeyId && opts.secretAccessKey
        ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } }
        : {}),
      // Since 3.729.0 the SDK adds a CRC32 checksum to every upload by default (x-amz-checksum-* headers,
      // or an aws-chunked body with a trailer) and validates the checksums of responses: several
      // S3-compatible servers reject those (Cloudflare R2 and Backblaze B2 did, as do older Ceph RGW
      // releases). Only where an operation requires one, then (none of those used here does); the
      // SHA-256 of every blob is what the hub verifies. s3-blob-store.test.ts checks the headers sent.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: {
        connectionTimeout: opts.connectTimeoutMs ?? 10_000,
        socketTimeout: opts.idleTimeoutMs ?? 5 * 60_000,
      },
      ...opts.clientConfig,
    });
    // An object store that cannot be reached, or answers 5xx after the SDK's own retries, is a transient
    // failure of the hub's infrastructure: 503 'unavailable' (clients retry), not a 500. 4xx answers
    // (NotFound on HEAD, say) pass unchanged: callers look at them.
    this.client.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (err) {
          throw objectStoreUnavailable(err) ?? err;
        }
      },
      { step: 'initialize', name: 'lienthongUnavailable' },
    );
  }

  blobKey(key: string): string {
    if (!KEY.test(key)) throw new Error(`not a blob key: ${key}`);
    return this.blobPrefix + key;
  }

  async init(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      throw new Error(`S3 bucket ${this.bucket}: ${describe(err)}`, { cause: err });
    }
    await this.removeStaleTemps();
  }

  /**
   * Temporary objects and multipart uploads a crash left behind. Only old ones: other hub nodes sharing
   * the bucket may be uploading right now.
   */
  private async removeStaleTemps(): Promise<void> {
    const cutoff = Date.now() - this.staleTempMs;
    for await (const o of this.list(this.tempPrefix)) {
      if (o.LastModified && o.LastModified.getTime() < cutoff && o.Key)
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: o.Key })).catch(() => undefined);
    }
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      let page: Awaited<ReturnType<typeof this.listUploads>>;
      try {
        page = await this.listUploads(keyMarker, uploadIdMarker);
      } catch {
        // not every S3-compatible server lists uploads: a bucket lifecycle rule
        // (AbortIncompleteMultipartUpload) then does it, see the operations guide
        return;
      }
      for (const u of page.Uploads ?? []) {
        if (!u.Key || !u.UploadId || !u.Initiated || u.Initiated.getTime() >= cutoff) continue;
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }))
          .catch(() => undefined);
      }
      if (!page.IsTruncated) return;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  private listUploads(keyMarker?: string, uploadIdMarker?: string) {
    return this.client.send(
      new ListMultipartUploadsCommand({
        Bucket: this.bucket,
        Prefix: this.tempPrefix,
        ...(keyMarker ? { KeyMarker: keyMarker } : {}),
        ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
      }),
    );
  }

  /** multipart uploads in progress under the temporary prefix (tests, diagnostics) */
  async pendingUploads(): Promise<{ key: string; uploadId: string }[]> {
    const page = await this.listUploads();
    return (page.Uploads ?? []).map((u) => ({ key: u.Key ?? '', uploadId: u.UploadId ?? '' }));
  }

  async createTemp(): Promise<TempBlob> {
    const name = `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`;
    return new S3TempBlob(this, this.tempPrefix + name);
  }

  async has(key: string): Promise<boolean> {
    return (await this.size(key)) !== undefined;
  }

  async size(key: string): Promise<number | undefined> {
    return (await this.head(this.blobKey(key)))?.size;
  }

  /** size and modification time of an object; undefined when there is none */
  async head(objectKey: string): Promise<{ size: number; modifiedAt: Date } | undefined> {
    try {
      const h = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return { size: h.ContentLength ?? 0, modifiedAt: h.LastModified ?? new Date(0) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    return this.openObject(this.blobKey(key), range);
  }

  /** a stream of the object's bytes (the request is made before this resolves: a missing key rejects) */
  async openObject(objectKey: string, range?: ByteRange): Promise<Readable> {
    if (range && range.end <= range.start) {
      // an empty range of an existing blob; S3 has no way to ask for zero bytes
      if (!(await this.head(objectKey))) throw new Error(`no such blob: ${objectKey}`);
      return Readable.from([]);
    }
    const res = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: objectKey,
        ...(range ? { Range: `bytes=${range.start}-${range.end - 1}` } : {}),
      }),
    );
    if (!(res.Body instanceof Readable)) throw new Error('S3 GetObject returned no stream');
    return res.Body;
  }

  /** Copies `source` to `target` inside the bucket, server-side; part by part beyond `maxSingleCopy`. */
  async copy(source: string, target: string, size: number): Promise<void> {
    const CopySource = `${this.bucket}/${source.split('/').map(encodeURIComponent).join('/')}`;
    if (size <= this.maxSingleCopy) {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: target, CopySource }));
      return;
    }
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: target }));
    if (!UploadId) throw new Error('S3 CreateMultipartUpload returned no UploadId');
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      for (let start = 0, n = 1; start < size; start += this.copyPartSize, n++) {
        const end = Math.min(size, start + this.copyPartSize) - 1;
        const r = await this.client.send(
          new UploadPartCopyCommand({
            Bucket: this.bucket,
            Key: target,
            UploadId,
            PartNumber: n,
            CopySource,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        parts.push({ ETag: r.CopyPartResult?.ETag ?? '', PartNumber: n });
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: target,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (err) {
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: target, UploadId }))
        .catch(() => undefined);
      throw err;
    }
  }

  async deleteObject(objectKey: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
  }

  async health(): Promise<{ ok: boolean; detail?: string }> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: `S3 bucket ${this.bucket}: ${describe(err)}` };
    }
  }

  async *listFiles(): AsyncIterable<StoredFile> {
    // ListObjectsV2 returns keys in UTF-8 binary order, which for hex names is key order
    for await (const o of this.list(this.blobPrefix)) {
      const key = o.Key?.slice(this.blobPrefix.length) ?? '';
      if (!KEY.test(key)) continue;
      yield { key, size: o.Size ?? 0, modifiedAt: o.LastModified ?? new Date(0) };
    }
  }

  private async *list(prefix: string) {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(this.listPageSize ? { MaxKeys: this.listPageSize } : {}),
          ...(ContinuationToken ? { ContinuationToken } : {}),
        }),
      );
      yield* page.Contents ?? [];
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /**
   * Deletes blob `key` unless it was modified at or after `modifiedBefore`, or less than
   * `refreshAfterMs` ago (a commit reusing a blob younger than that does not refresh it).
   *
   * S3 has no conditional delete on modification time that S3-compatible servers share, so the check
   * (HeadObject) and the delete are two requests: a commit reusing this very blob in between would
   * lose it. The collector only considers blobs no row references that are older than its age guard
   * (an hour by default), and such a commit must fall within the milliseconds between the two
   * requests; see docs/operations.md.
   */
  async deleteFile(key: string, modifiedBefore: Date): Promise<number | undefined> {
    const objectKey = this.blobKey(key);
    const cutoff = Math.min(modifiedBefore.getTime(), Date.now() - this.refreshAfterMs);
    const h = await this.head(objectKey);
    if (!h || h.modifiedAt.getTime() >= cutoff) return undefined;
    await this.deleteObject(objectKey);
    return h.size;
  }
}

export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return [e?.name, status ? `HTTP ${status}` : undefined, e?.message]
    .filter((s) => s && s !== 'UnknownError')
    .join(': ');
}

const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The HubError for a failure to reach the object store, or undefined for any other error. */
export function objectStoreUnavailable(err: unknown): HubError | undefined {
  const e = err as { code?: string; name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  const network = (e?.code !== undefined && NETWORK_ERRORS.has(e.code)) || e?.name === 'TimeoutError';
  if (!network && !(status !== undefined && status >= 500)) return undefined;
  return new HubError('unavailable', `the object store is unavailable: ${e?.code ?? e?.name ?? status}`, {
    details: { cause: e?.message },
  });
}
