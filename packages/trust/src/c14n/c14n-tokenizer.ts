import { XmlTokenizer } from '@lienthong/edxml';

/**
 * A tokenizer set up for canonicalization: comments and PIs reported, every element's text
 * streamed as chunks (attachments are 100+ MB text nodes), and edXML-sized limits.
 */
export function createC14nTokenizer(): XmlTokenizer {
  return new XmlTokenizer({ markup: true, isStreamingElement: () => true, maxElements: 1_000_000 });
}
