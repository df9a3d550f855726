// Reads a captured Signature element into what verification needs, refusing anything outside the
// profile: one Reference with URI="" and the enveloped-signature transform, known algorithms, and
// digest/signature/certificate values that are plain base64 text.
import { C14N_URI, type C14nAlgorithm, c14nAlgorithmFromUri, VENDOR_EXC_C14N_URI } from '../c14n/algorithms.js';
import {
  type DigestAlgorithm,
  DSIG_NS,
  digestAlgorithmFromUri,
  ENVELOPED_SIGNATURE_URI,
  EXC_C14N_NS,
  QCVN_NS,
  type SignatureMethod,
  signatureMethodFromUri,
} from './algorithms.js';
import { decodeStrictBase64 } from './base64-value.js';
import { type Reason, reason } from './reasons.js';
import type { SignatureNode } from './signature-capture.js';

export interface ReadSignature {
  namespace: 'dsig' | 'qcvn';
  signedInfo: SignatureNode;
  canonicalization: C14nAlgorithm;
  canonicalizationPrefixes: string[];
  signatureMethod: SignatureMethod;
  /** the canonicalization the Reference's transforms end in (inclusive C14N when none is named) */
  referenceC14n: C14nAlgorithm;
  referencePrefixes: string[];
  digestAlgorithm: DigestAlgorithm;
  digestValue: Buffer;
  signatureValue: Buffer;
  /** DER certificates from KeyInfo/X509Data, in document order */
  certificates: Buffer[];
  subjectName?: string;
}

/** Returns the signature when it can be checked, and every reason found on the way. */
export function readSignature(root: SignatureNode): { signature?: ReadSignature; reasons: Reason[] } {
  const reasons: Reason[] = [];
  const ns = root.name.ns;
  const namespace = ns === DSIG_NS ? 'dsig' : 'qcvn';
  if (namespace === 'qcvn') {
    reasons.push(
      reason(
        'qcvn-namespace',
        `Signature is in the edXML namespace ${QCVN_NS}, not ${DSIG_NS} (vendor convention; read as XML-DSig)`,
        'note',
      ),
    );
  }
  const fail = (code: Reason['code'], message: string) => {
    reasons.push(reason(code, message));
    return { reasons };
  };
  const is = (node: SignatureNode, local: string) => node.name.ns === ns && node.name.local === local;
  const children = (node: SignatureNode, allowed: string[], where: string): SignatureNode[] | undefined => {
    const bad = node.children.find((c) => c.name.ns !== ns || !allowed.includes(c.name.local));
    if (bad) {
      reasons.push(reason('signature-malformed', `unexpected element <${bad.name.qname}> in ${where}`));
      return undefined;
    }
    if (node.text.trim() !== '') {
      reasons.push(reason('signature-malformed', `unexpected text in ${where}: "${node.text.trim().slice(0, 40)}"`));
      return undefined;
    }
    return node.children;
  };
  const only = (list: SignatureNode[], local: string, where: string, optional = false) => {
    const found = list.filter((c) => c.name.local === local);
    if (found.length > 1 || (found.length === 0 && !optional)) {
      reasons.push(
        reason(
          'signature-malformed',
          `${where} must have ${optional ? 'at most' : 'exactly'} one ${local} (found ${found.length})`,
        ),
      );
      return undefined;
    }
    return found[0] ?? null;
  };
  const value = (node: SignatureNode, label: string): Buffer | undefined => {
    if (!node.plainText) {
      reasons.push(
        reason(
          'value-not-plain-text',
          `${label} must be plain base64 text: comments, processing instructions, character references, CDATA or elements inside it are refused`,
        ),
      );
      return undefined;
    }
    const bytes = decodeStrictBase64(node.text);
    if (!bytes)
      reasons.push(reason('value-not-base64', `${label} is not valid base64: "${node.text.trim().slice(0, 40)}"`));
    return bytes;
  };

  const top = children(root, ['SignedInfo', 'SignatureValue', 'KeyInfo'], 'Signature');
  if (!top) return { reasons };
  const signedInfo = only(top, 'SignedInfo', 'Signature');
  const signatureValueNode = only(top, 'SignatureValue', 'Signature');
  const keyInfo = only(top, 'KeyInfo', 'Signature', true);
  if (!signedInfo || !signatureValueNode || keyInfo === undefined) return { reasons };

  const info = children(signedInfo, ['CanonicalizationMethod', 'SignatureMethod', 'Reference'], 'SignedInfo');
  if (!info) return { reasons };
  const order = info.map((c) => c.name.local);
  if (order[0] !== 'CanonicalizationMethod' || order[1] !== 'SignatureMethod') {
    return fail('signature-malformed', 'SignedInfo must start with CanonicalizationMethod then SignatureMethod');
  }
  const references = info.filter((c) => is(c, 'Reference'));
  if (references.length !== 1) {
    return fail('reference-count', `SignedInfo must have exactly one Reference (found ${references.length})`);
  }

  const c14nNode = info[0]!;
  const c14nUri = attribute(c14nNode, 'Algorithm');
  const canonicalization = c14nAlgorithmFromUri(c14nUri ?? '');
  if (!canonicalization) return fail('unsupported-algorithm', `unsupported CanonicalizationMethod "${c14nUri}"`);
  if (c14nUri === VENDOR_EXC_C14N_URI) noteVendorUri(reasons, 'CanonicalizationMethod');
  const canonicalizationPrefixes = inclusivePrefixes(c14nNode, canonicalization, reasons, 'CanonicalizationMethod');
  if (!canonicalizationPrefixes) return { reasons };

  const methodUri = attribute(info[1]!, 'Algorithm');
  const signatureMethod = signatureMethodFromUri(methodUri ?? '');
  if (!signatureMethod) return fail('unsupported-algorithm', `unsupported SignatureMethod "${methodUri}"`);
  if (info[1]!.children.length > 0)
    return fail('signature-malformed', 'SignatureMethod must be empty (no HMACOutputLength)');

  const ref = references[0]!;
  const uri = attribute(ref, 'URI');
  if (uri !== '') {
    return fail(
      'reference-uri',
      uri === undefined
        ? 'the Reference has no URI: it must be URI="" (the whole package)'
        : `the Reference points to "${uri}": only URI="" (the whole package) is accepted`,
    );
  }
  const refChildren = children(ref, ['Transforms', 'DigestMethod', 'DigestValue'], 'Reference');
  if (!refChildren) return { reasons };
  const transformsNode = only(refChildren, 'Transforms', 'Reference', true);
  const digestMethod = only(refChildren, 'DigestMethod', 'Reference');
  const digestValueNode = only(refChildren, 'DigestValue', 'Reference');
  if (transformsNode === undefined || !digestMethod || !digestValueNode) return { reasons };

  const transforms = transformsNode ? children(transformsNode, ['Transform'], 'Transforms') : [];
  if (!transforms) return { reasons };
  const transformUris = transforms.map((t) => attribute(t, 'Algorithm') ?? '');
  const last = transforms[1];
  const referenceC14n = last ? c14nAlgorithmFromUri(transformUris[1]!) : 'c14n';
  if (transformUris[0] !== ENVELOPED_SIGNATURE_URI || transforms.length > 2 || !referenceC14n) {
    return fail(
      'transforms-not-allowed',
      `the Reference transforms must be enveloped-signature, optionally followed by C14N or exclusive C14N; found [${transformUris.join(', ')}]`,
    );
  }
  if (transformUris[1] === VENDOR_EXC_C14N_URI) noteVendorUri(reasons, 'Transform');
  if (transforms[0]!.children.length > 0)
    return fail('transforms-not-allowed', 'the enveloped-signature Transform must be empty');
  const referencePrefixes = last ? inclusivePrefixes(last, referenceC14n, reasons, 'Transform') : [];
  if (!referencePrefixes) return { reasons };

  const digestUri = attribute(digestMethod, 'Algorithm');
  const digestAlgorithm = digestAlgorithmFromUri(digestUri ?? '');
  if (!digestAlgorithm) return fail('unsupported-algorithm', `unsupported DigestMethod "${digestUri}"`);
  const digestValue = value(digestValueNode, 'DigestValue');
  const signatureValue = value(signatureValueNode, 'SignatureValue');

  const certificates: Buffer[] = [];
  let subjectName: string | undefined;
  if (keyInfo) {
    for (const data of keyInfo.children.filter((c) => is(c, 'X509Data'))) {
      for (const item of data.children) {
        if (is(item, 'X509Certificate')) {
          const der = value(item, 'X509Certificate');
          if (der) certificates.push(der);
        } else if (is(item, 'X509SubjectName')) subjectName = item.text.trim();
      }
    }
  }
  if (!digestValue || !signatureValue) return { reasons };
  return {
    signature: {
      namespace,
      signedInfo,
      canonicalization,
      canonicalizationPrefixes,
      signatureMethod,
      referenceC14n,
      referencePrefixes,
      digestAlgorithm,
      digestValue,
      signatureValue,
      certificates,
      ...(subjectName === undefined ? {} : { subjectName }),
    },
    reasons,
  };
}

function attribute(node: SignatureNode, local: string): string | undefined {
  return node.attributes.find((a) => a.ns === '' && a.local === local)?.value;
}

function noteVendorUri(reasons: Reason[], where: string): void {
  if (reasons.some((r) => r.code === 'nonstandard-algorithm-uri' && r.message.includes(where))) return;
  reasons.push(
    reason(
      'nonstandard-algorithm-uri',
      `${where} uses "${VENDOR_EXC_C14N_URI}", read as exclusive C14N (${'http://www.w3.org/2001/10/xml-exc-c14n#'})`,
      'note',
    ),
  );
}

/** The InclusiveNamespaces PrefixList of an exclusive C14N method; undefined (with a reason) if malformed. */
function inclusivePrefixes(
  node: SignatureNode,
  algorithm: C14nAlgorithm,
  reasons: Reason[],
  where: string,
): string[] | undefined {
  if (node.children.length === 0) return [];
  const only = node.children[0]!;
  if (
    algorithm !== 'exc-c14n' ||
    node.children.length > 1 ||
    only.name.ns !== EXC_C14N_NS ||
    only.name.local !== 'InclusiveNamespaces'
  ) {
    reasons.push(
      reason(
        'signature-malformed',
        `unexpected content in ${where} (${algorithm === 'c14n' ? C14N_URI : 'exclusive C14N'})`,
      ),
    );
    return undefined;
  }
  return (attribute(only, 'PrefixList') ?? '').split(/\s+/).filter(Boolean);
}
