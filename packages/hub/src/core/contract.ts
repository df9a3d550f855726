// The seam between the hub's core (store, blobs, intake, routing, delivery) and its front ends
// (VXP routes, /v1 routes, CLI, console). Front ends only ever talk to a HubService.

import type { Readable } from 'node:stream';
import type { BusinessDocType, Priority, StatusCode, TraceHeader } from '@lienthong/edxml';
import type { SignaturePolicy } from '../config/hub-config.js';

export type { SignaturePolicy } from '../config/hub-config.js';

export type MessageType = 'edoc' | 'status';
/** Transport state of one delivery (VXP updateStatus values, plus the hub's own states). */
/** `forwarding`: the recipient is served by another hub and the package waits in the outbox towards it (federation) */
export type DeliveryState = 'pending' | 'processing' | 'done' | 'fail' | 'withdrawn' | 'forwarding';
export type AckState = 'done' | 'fail' | 'processing';

/** Who is calling, after authentication. */
export interface Principal {
  /** the authenticated system: an agency code or a tenant system id (e.g. `vxp.saas.03`) */
  systemId: string;
  /** `hub-link`: a linked hub (federation), systemId `hub:<hubId>` */
  via: 'vxp-hmac' | 'api-key' | 'admin' | 'mtls' | 'hub-link';
}

export interface SubmitRequest {
  principal: Principal;
  /** the raw request body; the hub streams it, never buffers it whole */
  body: Readable;
  /** 'auto' detects document vs status from the package */
  messageType: MessageType | 'auto';
  /** VXP `from` header, if given: must match the package's From */
  declaredFrom?: string;
  /** VXP `to` header (JSON list) or /v1 `to` parameter: overrides the package's To list */
  to?: string[];
  /** VXP `hash-file` header or /v1 `Digest`: SHA-256 hex of the package (leading zeros of bytes may be dropped) */
  declaredSha256?: string;
  /** request id for logs and audit */
  requestId?: string;
  /** federation only: the package came over a link from this hub (set by the /federation routes, never by agencies) */
  link?: { peer: string; remoteDocId: string; path: string[] };
}

export interface SubmitResult {
  docId: string;
  messageType: MessageType;
  /** true when this exact package was already accepted: same DocId, nothing delivered twice */
  duplicate: boolean;
  recipients: string[];
  warnings: string[];
  sha256: string;
  size: number;
  /**
   * The hub's signed receipt (compact JWS, docs/trust.md): DocId, SHA-256, size, sender, recipients, accepted-at,
   * hub id. A duplicate submission returns the original receipt.
   */
  receipt: string;
}

export interface InboxQuery {
  messageType: MessageType;
  /** opaque cursor from a previous page; absent = from the beginning */
  cursor?: string;
  limit?: number;
  /** filter by sender code */
  from?: string;
  fromDate?: Date;
  toDate?: Date;
  /** default: pending + processing (what the client still has to take) */
  states?: DeliveryState[];
}

export interface InboxItem {
  docId: string;
  messageType: MessageType;
  from: string;
  to: string;
  state: DeliveryState;
  stateDescription?: string;
  createdAt: Date;
  updatedAt: Date;
  /** document metadata for edoc; for status: the status code and the DocId it reports on */
  documentId?: string;
  subject?: string;
  codeNumber?: string;
  codeNotation?: string;
  priority?: Priority;
  dueDate?: string;
  businessType?: BusinessDocType;
  statusCode?: StatusCode;
  responseForDocId?: string;
  size: number;
}

export interface InboxPage {
  items: InboxItem[];
  /** pass back to get the next page; undefined when there is nothing more right now */
  nextCursor?: string;
}

export interface PackageStream {
  docId: string;
  messageType: MessageType;
  /** the package as the recipient receives it (with the hub's TraceHeader inserted) */
  stream: Readable;
  size: number;
  contentType: string;
  /** the same bytes as `stream`, when the package is small and was read whole (send them instead of the stream) */
  bytes?: Buffer;
}

export interface AttachmentStream {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  stream: Readable;
}

export interface SentItem {
  docId: string;
  messageType: MessageType;
  documentId?: string;
  subject?: string;
  codeNumber?: string;
  codeNotation?: string;
  sentAt: Date;
  recipients: Array<{
    code: string;
    state: DeliveryState;
    stateDescription?: string;
    receivedAt?: Date;
    /** latest business status code returned by this recipient */
    lastStatus?: StatusCode;
  }>;
}

export interface TimelineStatus {
  statusCode: StatusCode;
  description?: string;
  /** DocId of the status package */
  docId: string;
  at: Date;
  staff?: string;
}

export interface TimelineEvent {
  at: Date;
  /** accepted | fetched | ack-done | ack-fail | ack-processing | status | withdrawn | recall-forwarded | added | removed | replaced */
  kind: string;
  actor?: string;
  detail?: string;
  statusCode?: StatusCode;
  relatedDocId?: string;
}

export interface TimelineRecipient {
  code: string;
  name?: string;
  state: DeliveryState;
  statuses: TimelineStatus[];
  events: TimelineEvent[];
}

export interface SignatureReason {
  /** a reason code of @lienthong/trust, e.g. `digest-mismatch`, `signer-unexpected`, `weak-algorithm` */
  code: string;
  message: string;
  severity: 'error' | 'indeterminate' | 'note';
}

/** Who signed, as a signature verdict names them: the signing certificate. */
export interface CertificateSigner {
  subject: string;
  issuer?: string;
  /** the certificate's UID attribute (mã định danh) */
  agencyCode?: string;
  serialNumber: string;
  fingerprint256: string;
}

/** The verdict on a package's XML signature (edXMLHeader/Signature), as checked at intake. */
export interface SignatureVerdict {
  status: 'valid' | 'invalid' | 'indeterminate' | 'absent';
  /** SHA-1 in the signature or digest, or an RSA key under 2048 bits: verifies, but flagged */
  weak: boolean;
  /** the policy the package was checked under */
  policy: 'report' | 'require';
  /** e.g. `rsa-sha256`, `ecdsa-sha256`, `rsa-sha1` */
  algorithm?: string;
  digestAlgorithm?: string;
  signer?: CertificateSigner & { notAfter?: Date };
  reasons: SignatureReason[];
  checkedAt: Date;
}

/** One signature found in a PDF attachment (raw, or the one file of a ZIP), verified in the background after acceptance. */
export interface AttachmentSignature {
  status: 'valid' | 'invalid' | 'indeterminate';
  /** the signed byte ranges cover the whole file: nothing was added after signing */
  coversWholeDocument: boolean;
  /** /SubFilter: adbe.pkcs7.detached, ETSI.CAdES.detached */
  subFilter?: string;
  signer?: CertificateSigner;
  signingTime?: Date;
  /** `cms`: the signed signingTime attribute; `pdf`: the dictionary's /M, which the signature does not protect */
  signingTimeSource?: 'cms' | 'pdf';
  /** e.g. `rsa-pkcs1-sha256`, `rsa-pss-sha256`, `ecdsa-sha256` */
  algorithm?: string;
  digestAlgorithm?: string;
  weak: boolean;
  reasons: SignatureReason[];
}

/** What the background inspection of an attachment's content found. */
export interface AttachmentInspectionState {
  /**
   * `pending`: not inspected yet; `signed` / `unsigned`: a PDF with / without signatures; `not-inspected`: not a
   * PDF, or a ZIP that is not one PDF; `refused`: a ZIP over the limits (zip bomb, size) or malformed
   */
  state: 'pending' | 'signed' | 'unsigned' | 'not-inspected' | 'refused';
  /** what the bytes are, whatever the declared content type */
  format?: 'pdf' | 'zip' | 'other';
  /** the file inside the ZIP that was inspected */
  entryName?: string;
  reasons: SignatureReason[];
  /** verdicts are as of this time (trust anchors, CRLs and clock of that moment) */
  checkedAt?: Date;
}

export interface TimelineAttachment {
  index: number;
  name?: string;
  contentType?: string;
  size: number;
  sha256: string;
  inspection?: AttachmentInspectionState;
  /** the PDF's signatures, in file order (once inspected) */
  signatures?: AttachmentSignature[];
}

/** Whether the document carries a valid digital signature (on a PDF attachment, covering the whole file), and by whom. */
export interface DocumentSignatureSummary {
  /** `signed`: at least one such signature; `pending`: none yet and an attachment is still being inspected */
  state: 'signed' | 'not-signed' | 'pending';
  signers: Array<{ subject: string; agencyCode?: string; attachmentIndex: number; signingTime?: Date }>;
  /** e.g. "carries a valid digital signature by Văn phòng Chính phủ (000.00.00.G22)" */
  text: string;
}

export interface Timeline {
  docId: string;
  messageType: MessageType;
  documentId?: string;
  sender: string;
  subject?: string;
  codeNumber?: string;
  codeNotation?: string;
  businessType?: BusinessDocType;
  acceptedAt: Date;
  sha256: string;
  size: number;
  traces: TraceHeader[];
  attachments: TimelineAttachment[];
  /** documents this one revokes/updates/replaces, or is revoked/updated/replaced by */
  related: Array<{
    docId: string;
    relation: 'revokes' | 'updates' | 'replaces' | 'revoked-by' | 'updated-by' | 'replaced-by';
  }>;
  recipients: TimelineRecipient[];
  /** the PDF signatures of the attachments, summed up (documents only) */
  documentSignature?: DocumentSignatureSummary;
  /** the XML-signature verdict; absent when the policy was `off` when the package arrived */
  signature?: SignatureVerdict;
}

export interface Agency {
  code: string;
  parentCode?: string;
  name: string;
  /** 1 ministry/province … 4 commune; 0 for non-code systems (tenants) */
  level: number;
  email?: string;
  phone?: string;
  fax?: string;
  enabled: boolean;
  /** a shared-server tenant system that may send on behalf of units registered under it */
  isTenant: boolean;
  /** for a unit registered by a tenant: the tenant's system id */
  tenantId?: string;
  demo: boolean;
  /** this agency's own signature policy at intake; undefined: the hub's default */
  signaturePolicy?: SignaturePolicy;
  /** directory version at its last change (for incremental sync) */
  version: number;
  deleted: boolean;
  updatedAt: Date;
}

export interface AgencyInput {
  code: string;
  parentCode?: string;
  name: string;
  email?: string;
  phone?: string;
  fax?: string;
  isTenant?: boolean;
  tenantId?: string;
  demo?: boolean;
}

export interface IssuedCredentials {
  systemId: string;
  /** VXP secret: 44 characters, base64 of 32 random bytes; shown once */
  vxpSecret: string;
  /** /v1 bearer API key `lt_<id>_<secret>`; shown once */
  apiKey: string;
}

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface HubService {
  submit(req: SubmitRequest): Promise<SubmitResult>;
  inbox(p: Principal, q: InboxQuery): Promise<InboxPage>;
  countPending(p: Principal, messageType: MessageType): Promise<number>;
  /** a recipient (or the sender) reads a package; recipients' reads are recorded as `fetched` */
  openPackage(p: Principal, docId: string): Promise<PackageStream>;
  openAttachment(p: Principal, docId: string, index: number): Promise<AttachmentStream>;
  acknowledge(p: Principal, docId: string, state: AckState, description?: string): Promise<void>;
  /** many acknowledgements at once (`POST /v1/acks`): each outcome as if it were acknowledged alone, in order */
  acknowledgeMany(
    p: Principal,
    items: readonly { docId: string; state: AckState; description?: string }[],
  ): Promise<PromiseSettledResult<void>[]>;
  sent(
    p: Principal,
    q: { messageType: MessageType; docId?: string; cursor?: string; limit?: number },
  ): Promise<{
    items: SentItem[];
    nextCursor?: string;
  }>;
  timeline(p: Principal, docId: string): Promise<Timeline>;
  /** the signed receipt of a document, for its sender (or an operator) */
  receipt(p: Principal, docId: string): Promise<string>;
  /** resolves when something new arrives for this principal or the timeout passes (long-poll) */
  waitForInbox(p: Principal, messageType: MessageType, timeoutMs: number, signal?: AbortSignal): Promise<void>;

  // Directory
  listAgencies(q?: { includeDisabled?: boolean; sinceVersion?: number; level?: number }): Promise<Agency[]>;
  getAgency(code: string): Promise<Agency | undefined>;
  /** a tenant registers one of its units (VXP registerAgency) */
  registerUnit(p: Principal, input: AgencyInput): Promise<Agency>;
  deleteUnit(p: Principal, code: string): Promise<void>;

  // Authentication support
  /** the VXP secret of an enabled system, or undefined */
  vxpSecret(systemId: string): Promise<string | undefined>;
  /** the principal an API key belongs to, or undefined */
  resolveApiKey(token: string): Promise<Principal | undefined>;

  // Administration (CLI, console)
  addAgency(input: AgencyInput): Promise<{ agency: Agency; credentials: IssuedCredentials }>;
  setAgencyEnabled(code: string, enabled: boolean): Promise<Agency>;
  rotateCredentials(code: string): Promise<IssuedCredentials>;

  health(): Promise<HealthReport>;
  close(): Promise<void>;
}

/** Error codes a front end maps to HTTP statuses (VXP routes answer `status: FAIL` with ErrorCode/ErrorDesc). */
export type HubErrorCode =
  | 'bad-request' // 400: malformed parameters
  | 'bad-package' // 400: malformed or refused XML (DTD, entities, depth, base64, truncated)
  | 'invalid-package' // 422: well-formed but fails validation (missing element, bad date, …)
  | 'unauthenticated' // 401
  | 'forbidden' // 403: forged sender, not a recipient, disabled agency
  | 'not-found' // 404
  | 'conflict' // 409: DocumentId already used by a different new document
  | 'unknown-recipient' // 422
  | 'too-large' // 413
  | 'digest-mismatch' // 400: hash-file / Digest does not match
  | 'bad-signature' // 422: the XML signature is absent or not valid under a `require` policy
  | 'unavailable'; // 503

export const HUB_ERROR_STATUS: Record<HubErrorCode, number> = {
  'bad-request': 400,
  'bad-package': 400,
  'invalid-package': 422,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'unknown-recipient': 422,
  'too-large': 413,
  'digest-mismatch': 400,
  'bad-signature': 422,
  unavailable: 503,
};

export class HubError extends Error {
  readonly code: HubErrorCode;
  /** element path or parameter name the error is about, when there is one */
  readonly path: string | undefined;
  readonly details: unknown;
  constructor(code: HubErrorCode, message: string, opts: { path?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HubError';
    this.code = code;
    this.path = opts.path;
    this.details = opts.details;
  }
  get status(): number {
    return HUB_ERROR_STATUS[this.code];
  }
}
