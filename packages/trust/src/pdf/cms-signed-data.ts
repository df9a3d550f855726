// Reads the detached CMS SignedData of a PDF signature (adbe.pkcs7.detached, ETSI.CAdES.detached):
// the one SignerInfo, its signed attributes exactly as encoded, and the certificates carried along.
import { X509Certificate } from 'node:crypto';
import {
  type Attribute,
  ContentInfo,
  id_contentType,
  id_data,
  id_messageDigest,
  id_signedData,
  id_signingTime,
  MessageDigest,
  SignedData,
  SigningTime,
} from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { toPeculiar } from '../x509/certificate-input.js';
import { x509 } from '../x509/peculiar.js';
import { type CmsDigest, type CmsSignatureScheme, digestFromOid, signatureScheme } from './cms-algorithms.js';
import type { PdfReasonCode } from './pdf-reasons.js';

export class CmsError extends Error {
  constructor(
    readonly code: PdfReasonCode,
    message: string,
  ) {
    super(message);
    this.name = 'CmsError';
  }
}

export interface SignedAttributes {
  /** DER of the attributes with the SET OF tag: the bytes the signature is over */
  der: Buffer;
  messageDigest: Buffer;
  signingTime: Date | undefined;
  /** ESS signing-certificate(-v2) reference to the signer's certificate, when present */
  signingCertificate: { hash: CmsDigest; value: Buffer } | undefined;
}

export interface DetachedCms {
  digest: CmsDigest;
  scheme: CmsSignatureScheme;
  signature: Buffer;
  /** undefined when the signature is directly over the content (no signed attributes) */
  signedAttributes: SignedAttributes | undefined;
  certificates: X509Certificate[];
  signer: X509Certificate | undefined;
  /** an RFC 3161 signature time-stamp token is attached (unsigned attribute) */
  hasTimestamp: boolean;
}

const ID_SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
const ID_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
const ID_SIGNATURE_TIMESTAMP = '1.2.840.113549.1.9.16.2.14';

export function parseDetachedCms(bytes: Uint8Array): DetachedCms {
  let signedData: SignedData;
  const der = derPrefix(bytes);
  try {
    const info = AsnConvert.parse(der, ContentInfo);
    if (info.contentType !== id_signedData) {
      throw new CmsError('cms-malformed', `the CMS content is ${info.contentType}, not SignedData`);
    }
    signedData = AsnConvert.parse(info.content, SignedData);
  } catch (e) {
    if (e instanceof CmsError) throw e;
    throw new CmsError('cms-malformed', `the signature is not a readable CMS SignedData: ${(e as Error).message}`);
  }
  if (signedData.encapContentInfo.eContent !== undefined) {
    throw new CmsError('cms-not-detached', 'the SignedData encapsulates content: a PDF signature must be detached');
  }
  if (signedData.signerInfos.length !== 1) {
    throw new CmsError('cms-malformed', `the SignedData has ${signedData.signerInfos.length} SignerInfos, not one`);
  }
  const info = signedData.signerInfos[0]!;
  const digest = digestFromOid(info.digestAlgorithm.algorithm);
  if (!digest) throw new CmsError('unsupported-algorithm', `digest algorithm ${info.digestAlgorithm.algorithm}`);
  const scheme = signatureScheme(info.signatureAlgorithm, digest);
  if (typeof scheme === 'string') throw new CmsError('unsupported-algorithm', scheme);

  const certificates: X509Certificate[] = [];
  for (const choice of signedData.certificates ?? []) {
    if (!choice.certificate) continue;
    try {
      certificates.push(new X509Certificate(Buffer.from(AsnConvert.serialize(choice.certificate))));
    } catch {
      throw new CmsError('certificate-unreadable', 'a certificate in the SignedData cannot be read');
    }
  }

  let signedAttributes: SignedAttributes | undefined;
  if (info.signedAttrs) {
    signedAttributes = readSignedAttributes(info.signedAttrs, rawSignedAttributes(der));
  }
  const sid = info.sid;
  const signer = certificates.find((c) => {
    if (sid.issuerAndSerialNumber) {
      const parsed = AsnConvert.parse(c.raw, Certificate).tbsCertificate;
      return (
        equalBytes(parsed.serialNumber, sid.issuerAndSerialNumber.serialNumber) &&
        equalBytes(AsnConvert.serialize(parsed.issuer), AsnConvert.serialize(sid.issuerAndSerialNumber.issuer))
      );
    }
    if (sid.subjectKeyIdentifier) {
      const ski = toPeculiar(c).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
      return ski !== undefined && ski === Buffer.from(sid.subjectKeyIdentifier.buffer).toString('hex');
    }
    return false;
  });
  return {
    digest,
    scheme,
    signature: Buffer.from(info.signature.buffer),
    signedAttributes,
    certificates,
    signer,
    hasTimestamp: (info.unsignedAttrs ?? []).some((a) => a.attrType === ID_SIGNATURE_TIMESTAMP),
  };
}

function readSignedAttributes(attrs: Attribute[], raw: Buffer): SignedAttributes {
  const one = (type: string): ArrayBuffer | undefined => {
    const found = attrs.filter((a) => a.attrType === type);
    if (found.length > 1 || (found.length === 1 && found[0]!.attrValues.length !== 1)) {
      throw new CmsError('cms-malformed', `signed attribute ${type} must occur once with one value`);
    }
    return found[0]?.attrValues[0];
  };
  const contentType = one(id_contentType);
  const digest = one(id_messageDigest);
  if (!contentType || !digest) {
    throw new CmsError('cms-malformed', 'the signed attributes lack content-type or message-digest');
  }
  const type = asn1js.fromBER(contentType).result;
  if (!(type instanceof asn1js.ObjectIdentifier) || type.valueBlock.toString() !== id_data) {
    throw new CmsError('cms-malformed', 'the signed content-type attribute is not id-data');
  }
  const time = one(id_signingTime);
  const v2 = one(ID_SIGNING_CERTIFICATE_V2);
  const v1 = one(ID_SIGNING_CERTIFICATE);
  // [0] IMPLICIT on the wire; the signature is over the EXPLICIT SET OF encoding
  const der = Buffer.from(raw);
  der[0] = 0x31;
  try {
    return {
      der,
      messageDigest: Buffer.from(AsnConvert.parse(digest, MessageDigest).buffer),
      signingTime: time ? AsnConvert.parse(time, SigningTime).getTime() : undefined,
      signingCertificate: v2 ? essCertId(v2, true) : v1 ? essCertId(v1, false) : undefined,
    };
  } catch (e) {
    if (e instanceof CmsError) throw e;
    throw new CmsError('cms-malformed', `a signed attribute cannot be read: ${(e as Error).message}`);
  }
}

/** The first ESSCertID(v2) of a SigningCertificate(V2): the hash of the signer's certificate. */
function essCertId(value: ArrayBuffer, v2: boolean): { hash: CmsDigest; value: Buffer } {
  const outer = asn1js.fromBER(value).result;
  const certs = outer instanceof asn1js.Sequence ? outer.valueBlock.value[0] : undefined;
  const first = certs instanceof asn1js.Sequence ? certs.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.Sequence)) throw new CmsError('cms-malformed', 'malformed signing-certificate');
  let [algorithm, hash] = first.valueBlock.value;
  let digest: CmsDigest | undefined = 'sha1';
  if (v2) {
    if (algorithm instanceof asn1js.Sequence) {
      digest = digestFromOid(AsnConvert.parse(algorithm.toBER(), AlgorithmIdentifier).algorithm);
    } else {
      hash = algorithm;
      digest = 'sha256';
    }
  } else hash = algorithm;
  if (!digest || !(hash instanceof asn1js.OctetString)) {
    throw new CmsError('cms-malformed', 'malformed or unsupported signing-certificate reference');
  }
  return { hash: digest, value: Buffer.from(hash.valueBlock.valueHexView) };
}

/** The signed attributes of the (one) SignerInfo as encoded: a re-encoding could differ from what was signed. */
function rawSignedAttributes(der: Uint8Array): Buffer {
  const contentInfo = asn1js.fromBER(der).result;
  const explicit = contentInfo instanceof asn1js.Sequence ? contentInfo.valueBlock.value[1] : undefined;
  const signedData = explicit instanceof asn1js.Constructed ? explicit.valueBlock.value[0] : undefined;
  const signerInfos = signedData instanceof asn1js.Sequence ? signedData.valueBlock.value.at(-1) : undefined;
  const signerInfo = signerInfos instanceof asn1js.Set ? signerInfos.valueBlock.value[0] : undefined;
  const attrs =
    signerInfo instanceof asn1js.Sequence
      ? signerInfo.valueBlock.value.find((e) => e.idBlock.tagClass === 3 && e.idBlock.tagNumber === 0)
      : undefined;
  if (!attrs) throw new CmsError('cms-malformed', 'the signed attributes could not be located');
  return Buffer.from(attrs.valueBeforeDecodeView);
}

/**
 * The DER value at the start of `bytes`: /Contents is zero-padded after the signature. An
 * indefinite length (BER) is left to the parser, which stops at its end-of-contents.
 */
function derPrefix(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x30) throw new CmsError('cms-malformed', 'the signature is not DER');
  const first = bytes[1]!;
  if (first === 0x80) return bytes;
  let length = first;
  let header = 2;
  if (first > 0x80) {
    const n = first & 0x7f;
    if (n > 4 || bytes.length < 2 + n) throw new CmsError('cms-malformed', 'the signature length is malformed');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[2 + i]!;
    header = 2 + n;
  }
  if (header + length > bytes.length) throw new CmsError('cms-malformed', 'the signature is truncated');
  return bytes.subarray(0, header + length);
}

function equalBytes(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean {
  return Buffer.from(toBytes(a)).equals(Buffer.from(toBytes(b)));
}

function toBytes(v: ArrayBuffer | ArrayBufferView): Uint8Array {
  return v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}
