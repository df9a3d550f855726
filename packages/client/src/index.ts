// @lienthong/client: typed SDK for the Lienthong hub — the production VXP protocol and the /v1 API.

// The edXML builder and its inputs, so that an integration needs one import.
export {
  type AttachmentInput,
  buildDocument,
  buildStatus,
  collect,
  type DocumentHeader,
  type DocumentInput,
  isValid,
  type Organization,
  parseEdxml,
  type StatusCode,
  type StatusInput,
  validatePackage,
} from '@lienthong/edxml';
// Signing and verification of packages (XML-DSig), so that an integration signs with the same import.
export {
  type SignedPackage,
  SigningError,
  type SignOptions,
  signPackage,
  signPackageToFile,
  type Verdict,
  type VerifyOptions,
  verifyPackage,
} from '@lienthong/trust';
export { contentTypeFor } from './build/content-type.js';
export {
  buildSimpleDocument,
  type SimpleAttachment,
  type SimpleDocumentInput,
  simpleDocumentHeader,
} from './build/simple-document.js';
export type { PackageSource } from './http/body-source.js';
export { ConnectionError } from './http/http-request.js';
export type { Progress, ProgressCallback } from './http/progress.js';
export type { RetryPolicy } from './http/retry.js';
export { agencyCodeOfCertificate, type ClientTlsOptions } from './http/tls-material.js';
export { type SignedFile, type SigningCredentials, signFile } from './sign/sign-file.js';
export { LienthongApiError } from './v1/api-error.js';
export {
  type AttachmentDownload,
  type DownloadOptions,
  LienthongClient,
  type LienthongClientOptions,
  type SubmitOptions,
} from './v1/lienthong-client.js';
export type * from './v1/v1-types.js';
export { Base64FieldDecoder } from './vxp/base64-field-decoder.js';
export { javaHashMapOrder, javaStringHash } from './vxp/java-hash-order.js';
export { VxpClient, type VxpClientOptions, type VxpSendOptions } from './vxp/vxp-client.js';
export { VxpError } from './vxp/vxp-error.js';
export {
  asciiJson,
  type HeaderOrder,
  javaHex,
  type SignedRequestHeaders,
  signVxpHeaders,
  unsignedVxpHeaders,
  VXP_PREFIX,
  VXP_USER_AGENT,
  VXP_VERSION,
  vxpHashFile,
  vxpMac,
} from './vxp/vxp-signature.js';
export { formatVxpDate, formatVxpTimestamp } from './vxp/vxp-timestamp.js';
export type * from './vxp/vxp-types.js';
export {
  verifyWebhookSignature,
  type WebhookHeaders,
  type WebhookVerification,
} from './webhooks/verify-webhook-signature.js';
