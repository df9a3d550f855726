// One-call canonicalization of a whole document, for callers that want the canonical bytes.
import type { XmlEvent } from '@lienthong/edxml';
import type { C14nAlgorithm } from './algorithms.js';
import { createC14nTokenizer } from './c14n-tokenizer.js';
import type { CanonicalSink } from './canonical-writer.js';
import { Canonicalizer } from './canonicalizer.js';
import { ScopeStack, type StartToken } from './namespace-scope.js';

export type XmlSource = string | Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Streams the canonical form of the document in `source` to `sink`. */
export async function canonicalizeTo(
  source: XmlSource,
  sink: CanonicalSink,
  algorithm: C14nAlgorithm = 'exc-c14n',
): Promise<void> {
  const tokenizer = createC14nTokenizer();
  const canonicalizer = new Canonicalizer({ algorithm, sink });
  if (typeof source === 'string' || source instanceof Uint8Array) {
    for (const e of tokenizer.writeEvents(typeof source === 'string' ? Buffer.from(source) : source))
      canonicalizer.push(e);
  } else {
    for await (const chunk of source) for (const e of tokenizer.writeEvents(chunk)) canonicalizer.push(e);
  }
  for (const e of tokenizer.endEvents()) canonicalizer.push(e);
  canonicalizer.finish();
}

/** The canonical form of the document in `source`. */
export async function canonicalize(source: XmlSource, algorithm: C14nAlgorithm = 'exc-c14n'): Promise<Buffer> {
  const parts: Buffer[] = [];
  await canonicalizeTo(source, (b) => parts.push(Buffer.from(b)), algorithm);
  return Buffer.concat(parts);
}

/**
 * The canonical form of the first element for which `isApex` holds, with the namespaces (and, for
 * inclusive C14N, the xml:* attributes) its ancestors put in scope.
 */
export async function canonicalizeSubtree(
  source: XmlSource,
  isApex: (token: StartToken) => boolean,
  algorithm: C14nAlgorithm = 'exc-c14n',
): Promise<Buffer | undefined> {
  const tokenizer = createC14nTokenizer();
  const scopes = new ScopeStack();
  const parts: Buffer[] = [];
  let canonicalizer: Canonicalizer | undefined;
  let depth = 0;
  let done = false;
  const push = (e: XmlEvent) => {
    if (done) return;
    if (canonicalizer) {
      canonicalizer.push(e);
      if (e.kind === 'start') depth++;
      else if (e.kind === 'end' && --depth === 0) done = true;
      return;
    }
    if (e.kind === 'start') {
      if (isApex(e)) {
        canonicalizer = new Canonicalizer({
          algorithm,
          sink: (b) => parts.push(Buffer.from(b)),
          subtreeOf: scopes.current,
        });
        canonicalizer.push(e);
        depth = 1;
        return;
      }
      scopes.push(e);
    } else if (e.kind === 'end') {
      scopes.pop();
    }
  };
  if (typeof source === 'string' || source instanceof Uint8Array) {
    for (const e of tokenizer.writeEvents(typeof source === 'string' ? Buffer.from(source) : source)) push(e);
  } else {
    for await (const chunk of source) for (const e of tokenizer.writeEvents(chunk)) push(e);
  }
  for (const e of tokenizer.endEvents()) push(e);
  if (!canonicalizer) return undefined;
  canonicalizer.finish();
  return Buffer.concat(parts);
}
