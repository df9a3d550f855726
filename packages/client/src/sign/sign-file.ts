// Signing an edXML package before it is sent: an enveloped XML-DSig over the whole package
// (@lienthong/trust), streamed in two passes from a file to a file, never held in memory.

import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type SignedPackage, signPackageToFile } from '@lienthong/trust';

/**
 * The signer's key and certificate. A string is PEM text when it holds `-----BEGIN`, else the path of
 * a PEM file; the certificate file may carry the intermediate CA certificates after the signer's.
 */
export interface SigningCredentials {
  key: string | Uint8Array;
  certificate: string | Uint8Array;
  /** further CA certificates to carry in KeyInfo (PEM text, paths or DER) */
  chain?: ReadonlyArray<string | Uint8Array>;
  /** default: rsa-sha256 for RSA keys, ecdsa-sha256 for P-256 */
  algorithm?:
    | 'rsa-sha256'
    | 'rsa-sha384'
    | 'rsa-sha512'
    | 'ecdsa-sha256'
    | 'ecdsa-sha384'
    | 'ecdsa-sha512'
    | 'rsa-sha1';
}

export interface SignedFile {
  /** the signed package */
  path: string;
  signed: SignedPackage;
  /** removes the temporary file (a no-op when `output` was given) */
  cleanup(): Promise<void>;
}

/** Signs the package at `source` (a path, bytes or a stream) into `output`, or into a temporary file. */
export async function signFile(
  source: string | Uint8Array | Readable,
  credentials: SigningCredentials,
  opts: { output?: string } = {},
): Promise<SignedFile> {
  const temp = await mkdtemp(join(tmpdir(), 'lienthong-sign-'));
  const cleanupTemp = () => rm(temp, { recursive: true, force: true });
  try {
    let input: string;
    if (typeof source === 'string') input = source;
    else {
      // signing reads its source twice: bytes and streams are spooled to disk first
      input = join(temp, 'unsigned.edxml');
      await pipeline(source instanceof Uint8Array ? [source] : source, createWriteStream(input));
    }
    const path = opts.output ?? join(temp, 'signed.edxml');
    const signed = await signPackageToFile(input, path, {
      key: await pemOrFile(credentials.key),
      certificate: await pemOrFile(credentials.certificate),
      chain: await Promise.all((credentials.chain ?? []).map(pemOrFile)),
      ...(credentials.algorithm ? { algorithm: credentials.algorithm } : {}),
    });
    if (opts.output) await cleanupTemp();
    return { path, signed, cleanup: opts.output ? async () => undefined : cleanupTemp };
  } catch (err) {
    await cleanupTemp();
    throw err;
  }
}

/** PEM text as it is; a path is read, as text when it holds PEM (so every certificate in it is kept), else as DER bytes. */
async function pemOrFile(v: string | Uint8Array): Promise<string | Uint8Array> {
  if (typeof v !== 'string' || v.includes('-----BEGIN')) return v;
  const bytes = await readFile(v);
  return bytes.includes('-----BEGIN') ? bytes.toString('utf8') : bytes;
}

/** Runs `fn` with a signed copy of `source` when credentials are given (the copy is removed afterwards). */
export async function withSigned<S, T>(
  source: S,
  credentials: SigningCredentials | undefined,
  fn: (source: S | string) => Promise<T>,
): Promise<T> {
  if (!credentials) return fn(source);
  const signed = await signFile(source as string | Uint8Array | Readable, credentials);
  try {
    return await fn(signed.path);
  } finally {
    await signed.cleanup();
  }
}
