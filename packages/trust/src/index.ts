// @lienthong/trust: XML-DSig for edXML packages over a streaming C14N, X.509 chains and CRLs,
// a development CA, signed receipts and audit hash chains.

export { CHECKPOINT_TYPE, type CheckpointFields, signCheckpoint, verifyCheckpoint } from './audit-chain/checkpoint.js';
export { type AuditEntry, appendRecord, type ChainRecord, entryHash, GENESIS_HASH } from './audit-chain/entry-hash.js';
export {
  type ChainBreak,
  type ChainVerdict,
  type VerifyChainOptions,
  verifyChain,
} from './audit-chain/verify-chain.js';
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
export { canonicalJson, type JsonValue } from './json/canonical-json.js';
export { type JwsAlgorithm, JwsError } from './jws/compact-jws.js';
export { type ByteSource, bufferSource, fileSource } from './pdf/byte-source.js';
export type { CmsDigest } from './pdf/cms-algorithms.js';
export {
  type AttachmentInspection,
  type InspectionOutcome,
  type InspectOptions,
  inspectAttachment,
  isPdf,
} from './pdf/inspect-attachment.js';
export type { PdfReason, PdfReasonCode } from './pdf/pdf-reasons.js';
export type { PdfSignatureStatus, PdfSignatureVerdict, PdfVerification } from './pdf/pdf-verdict.js';
export { type PdfVerifyOptions, verifyPdfSignatures } from './pdf/verify-pdf-signatures.js';
export {
  CaDirectoryError,
  type CaState,
  type IssuedCertificate,
  type IssuedRecord,
  initCa,
  issueAgencyCert,
  issueAgencyCerts,
  issueHubCert,
  loadCa,
  loadState,
  type RevocationReason,
  revoke,
  writeCrl,
} from './pki/ca-directory.js';
export {
  type AgencyCertificateOptions,
  type CertifiedKey,
  type CrlEntry,
  type CrlOptions,
  createCrl,
  createIntermediateCa,
  createRootCa,
  type HubCertificateOptions,
  type IssueOptions,
  issueAgencyCertificate,
  issueHubCertificate,
} from './pki/issue-certificate.js';
export { generateKeyPair, type KeyPair, type KeyType, privateKeyPem, toPrivateKey } from './pki/key-pair.js';
export { DEVELOPMENT_MARK } from './pki/subject-names.js';
export {
  createReceipt,
  createReceiptAsync,
  RECEIPT_TYPE,
  type Receipt,
  type ReceiptFields,
  type ReceiptInput,
  type ReceiptVerdict,
  verifyReceipt,
} from './receipts/receipt.js';
export { AGENCY_CODE_OID, agencyCodeOf } from './x509/agency-code.js';
export { type CertificateInput, type CrlInput, crlToPem, toCertificates, toCrls } from './x509/certificate-input.js';
export { type CertificateSummary, distinguishedName, summarizeCertificate } from './x509/certificate-summary.js';
export { ChainCache } from './x509/chain-cache.js';
export { type ChainOptions, type ChainResult, validateChain } from './x509/validate-chain.js';
export {
  type DigestAlgorithm,
  DSIG_NS,
  QCVN_NS,
  type SignatureAlgorithm,
} from './xmldsig/algorithms.js';
export type { PackageSource } from './xmldsig/package-source.js';
export type { Reason, ReasonCode, ReasonSeverity, VerdictStatus } from './xmldsig/reasons.js';
export {
  type SignedPackage,
  SigningError,
  type SigningErrorCode,
  type SignOptions,
  signPackage,
  signPackageToFile,
} from './xmldsig/sign-package.js';
export type { Verdict } from './xmldsig/verdict.js';
export {
  type ExpectedSigner,
  PackageSignatureVerifier,
  type VerifyOptions,
  verifyPackage,
} from './xmldsig/verify-package.js';
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip/zip-limits.js';
