// Taking a package into the outgoing spool: read it, check it is edXML this tenant may send, sign it with the
// tenant's key, write the signed bytes durably, queue them. The signed bytes are what the sender loop sends,
// every time: a resubmission after a restart is byte-identical, so the hub recognises it.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { EdxmlError, type EdxmlPackage, isValid, parseEdxml, validatePackage } from '@lienthong/edxml';
import { SigningError, signPackage } from '@lienthong/trust';
import { writeDurably } from '../spool/durable-file.js';
import { newLocalId, type OutgoingRow } from '../spool/spool.js';
import type { TenantContext } from '../tenant/tenant-context.js';

/** A package the gateway will not take, with the HTTP status, a code, and the element it is about. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export interface AcceptInput {
  /** the package as handed over (unsigned, or signed by someone else: the signature is replaced) */
  file: string;
  origin: 'folder' | 'api';
  sourceName?: string;
  /** a status must answer a document this tenant received (checked by the caller) */
  responseForDocId?: string;
}

export async function sha256OfFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Parses and validates; the refusal names the element. */
export async function readPackage(path: string): Promise<EdxmlPackage> {
  let pkg: EdxmlPackage;
  try {
    pkg = (await parseEdxml(createReadStream(path))).package;
  } catch (e) {
    if (e instanceof EdxmlError) {
      const status = e.code === 'too-large' || e.code === 'too-many' || e.code === 'too-deep' ? 413 : 400;
      throw new Refusal(status, e.code === 'not-edxml' ? 'not-edxml' : 'malformed', e.message, e.path || undefined);
    }
    throw e;
  }
  const issues = validatePackage(pkg);
  if (!isValid(issues)) {
    const errors = issues.filter((i) => i.severity === 'error');
    const first = errors[0]!;
    throw new Refusal(
      422,
      'invalid-package',
      errors
        .slice(0, 5)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ') + (errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''),
      first.path,
    );
  }
  return pkg;
}

export function senderOf(pkg: EdxmlPackage): string {
  return pkg.kind === 'document' ? pkg.header.from.organId : pkg.from.organId;
}

export async function acceptOutgoing(t: TenantContext, input: AcceptInput): Promise<OutgoingRow> {
  const source = await sha256OfFile(input.file);
  const pkg = await readPackage(input.file);
  const from = senderOf(pkg);
  if (from !== t.config.agency) {
    throw new Refusal(
      403,
      'wrong-sender',
      `the package is from ${from}; this gateway signs and sends for ${t.config.agency} only`,
      'MessageHeader/From/OrganId',
    );
  }
  const localId = newLocalId();
  const out = t.spool.outPath(localId);
  let signedSha = '';
  let signedSize = 0;
  try {
    const signed = await signPackage(input.file, {
      key: t.signer.key,
      certificate: t.signer.certificates[0]!,
      chain: t.signer.certificates.slice(1),
    });
    const hash = createHash('sha256');
    async function* hashing(): AsyncIterable<Uint8Array> {
      for await (const chunk of signed.bytes()) {
        hash.update(chunk);
        signedSize += chunk.length;
        yield chunk;
      }
    }
    await writeDurably(out, hashing());
    signedSha = hash.digest('hex');
  } catch (e) {
    await rm(out, { force: true });
    if (e instanceof SigningError) throw new Refusal(422, `signing-${e.code}`, `cannot sign the package: ${e.message}`);
    throw e;
  }
  const row = t.spool.enqueue({
    localId,
    kind: pkg.kind === 'document' ? 'edoc' : 'status',
    origin: input.origin,
    sourceSha256: source.sha256,
    sha256: signedSha,
    size: signedSize,
    ...(input.sourceName ? { sourceName: input.sourceName } : {}),
    ...(pkg.kind === 'document'
      ? { documentId: pkg.header.documentId, subject: pkg.header.subject }
      : { documentId: pkg.responseFor.documentId, subject: `status ${pkg.statusCode}` }),
    ...(input.responseForDocId ? { responseForDocId: input.responseForDocId } : {}),
  });
  t.metrics.inc('lienthong_gateway_packages_accepted_total', { agency: t.config.agency });
  t.logger.info({ localId, kind: row.kind, origin: row.origin, size: signedSize }, 'outgoing package spooled');
  t.senderWaker.wake();
  return row;
}
