import type { Readable } from 'node:stream';
import { HubError } from '../core/contract.js';

/** Reads a small body (a JSON document) into memory, refusing more than `max` bytes. */
export async function readSmallBody(body: unknown, max: number): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as Readable) {
    size += (chunk as Buffer).length;
    if (size > max) throw new HubError('too-large', `the body is over ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
