// Canonicalization algorithm identifiers (W3C URIs) and the short names used across this package.

export type C14nAlgorithm = 'c14n' | 'exc-c14n';

export const C14N_URI = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const C14N_WITH_COMMENTS_URI = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
export const EXC_C14N_URI = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const EXC_C14N_WITH_COMMENTS_URI = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';
/** Not a W3C identifier: vendor edXML samples write this for exclusive C14N. Accepted as an alias, with a note. */
export const VENDOR_EXC_C14N_URI = 'http://www.w3.org/TR/xml-exc-c14n#';

export function c14nAlgorithmUri(algorithm: C14nAlgorithm): string {
  return algorithm === 'c14n' ? C14N_URI : EXC_C14N_URI;
}

/** Short name of a supported canonicalization URI, or undefined. */
export function c14nAlgorithmFromUri(uri: string): C14nAlgorithm | undefined {
  if (uri === C14N_URI) return 'c14n';
  if (uri === EXC_C14N_URI || uri === VENDOR_EXC_C14N_URI) return 'exc-c14n';
  return undefined;
}
