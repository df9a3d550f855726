// @lienthong/trust: XML-DSig for edXML packages over a streaming C14N, X.509 chains and CRLs,
// a development CA, signed receipts and audit hash chains.

export {
  C14N_URI,
  type C14nAlgorithm,
  c14nAlgorithmFromUri,
  c14nAlgorithmUri,
  EXC_C14N_URI,
} from './c14n/algorithms.js';
export { createC14nTokenizer } from './c14n/c14n-tokenizer.js';
export { type CanonicalSink, escapeCanonicalAttribute, escapeCanonicalText } from './c14n/canonical-writer.js';
export { canonicalize, canonicalizeSubtree, canonicalizeTo, type XmlSource } from './c14n/canonicalize.js';
export { Canonicalizer, type CanonicalizerOptions } from './c14n/canonicalizer.js';
export { type InheritedScope, ScopeStack, type StartToken } from './c14n/namespace-scope.js';
