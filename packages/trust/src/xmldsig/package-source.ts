import { createReadStream } from 'node:fs';

/**
 * A package that can be read more than once (signing reads it twice): a file path or URL, or a
 * function returning a fresh stream of the same bytes on every call.
 */
export type PackageSource = string | URL | (() => AsyncIterable<Uint8Array>);

export function openPackageSource(source: PackageSource): AsyncIterable<Uint8Array> {
  if (typeof source === 'function') return source();
  return createReadStream(source, { highWaterMark: 256 * 1024 });
}
