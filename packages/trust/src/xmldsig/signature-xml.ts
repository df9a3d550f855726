// The Signature element Lienthong writes: W3C XML-DSig namespace as the default namespace of the
// Signature element, enveloped-signature + exclusive C14N, one Reference URI="".
import { EXC_C14N_URI } from '../c14n/algorithms.js';
import {
  type DigestAlgorithm,
  DSIG_NS,
  digestAlgorithmUri,
  ENVELOPED_SIGNATURE_URI,
  type SignatureMethod,
} from './algorithms.js';

export function signedInfoXml(method: SignatureMethod, digestAlgorithm: DigestAlgorithm, digestValue: string): string {
  return (
    '<SignedInfo>\n' +
    `<CanonicalizationMethod Algorithm="${EXC_C14N_URI}"/>\n` +
    `<SignatureMethod Algorithm="${method.uri}"/>\n` +
    '<Reference URI="">\n' +
    '<Transforms>\n' +
    `<Transform Algorithm="${ENVELOPED_SIGNATURE_URI}"/>\n` +
    `<Transform Algorithm="${EXC_C14N_URI}"/>\n` +
    '</Transforms>\n' +
    `<DigestMethod Algorithm="${digestAlgorithmUri(digestAlgorithm)}"/>\n` +
    `<DigestValue>${digestValue}</DigestValue>\n` +
    '</Reference>\n' +
    '</SignedInfo>'
  );
}

export function signatureXml(
  signedInfo: string,
  signatureValue: string,
  subjectName: string,
  certificates: Buffer[],
): string {
  const certs = certificates.map((der) => `<X509Certificate>${der.toString('base64')}</X509Certificate>\n`).join('');
  return (
    `<Signature xmlns="${DSIG_NS}">\n${signedInfo}\n` +
    `<SignatureValue>${signatureValue}</SignatureValue>\n` +
    `<KeyInfo>\n<X509Data>\n<X509SubjectName>${escapeText(subjectName)}</X509SubjectName>\n${certs}</X509Data>\n</KeyInfo>\n` +
    '</Signature>'
  );
}

/** Wraps a signedInfo fragment so it can be canonicalized in the namespace context it will have. */
export function signedInfoInContext(signedInfo: string): string {
  return `<Signature xmlns="${DSIG_NS}">${signedInfo}</Signature>`;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
