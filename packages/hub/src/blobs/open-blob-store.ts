// The BlobStore for blobs too large to be inline in the database, as configured by `blobs.backend`.

import type { HubConfig } from '../config/hub-config.js';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs/fs-blob-store.js';

export async function openFileBlobStore(config: Pick<HubConfig, 'dataDir' | 'blobs'>): Promise<BlobStore> {
  if (config.blobs.backend !== 's3') return new FsBlobStore(config.dataDir);
  const s3 = config.blobs.s3;
  if (!s3.bucket) throw new Error('blobs.s3.bucket is not set');
  // loaded only when used: the AWS SDK is large, a hub with files never needs it
  const { S3BlobStore } = await import('./s3/s3-blob-store.js');
  return new S3BlobStore({
    bucket: s3.bucket,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    prefix: s3.prefix,
    partSize: s3.partSizeMiB * 1024 * 1024,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    ...(s3.accessKeyId && s3.secretAccessKey
      ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
      : {}),
  });
}
