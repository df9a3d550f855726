// The /v1 API's shapes as the SDK returns them: those of the hub's contract
// (packages/hub/src/core/contract.ts), with the ISO 8601 dates of the wire revived as Date.

import type { BusinessDocType, Priority, StatusCode, TraceHeader } from '@lienthong/edxml';

export type MessageType = 'edoc' | 'status';
/** `forwarding`: waiting to cross a link to the hub serving the recipient (federation) */
export type DeliveryState = 'pending' | 'processing' | 'done' | 'fail' | 'withdrawn' | 'forwarding';
export type AckState = 'done' | 'fail' | 'processing';

export interface SubmitResult {
  docId: string;
  messageType: MessageType;
  /** true when this exact package was already accepted: same docId, nothing delivered twice */
  duplicate: boolean;
  recipients: string[];
  warnings: string[];
  sha256: string;
  size: number;
  /** the hub's signed receipt (compact JWS); the original one for a duplicate */
  receipt: string;
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

export interface Page<T> {
  items: T[];
  /** pass back as `cursor` for the next page; absent when there is nothing more right now */
  nextCursor?: string;
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
    lastStatus?: StatusCode;
  }>;
}

export interface TimelineStatus {
  statusCode: StatusCode;
  description?: string;
  docId: string;
  at: Date;
  staff?: string;
}

export interface TimelineEvent {
  at: Date;
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

/** The verdict on a package's XML signature, as the hub checked it at intake. */
export interface SignatureVerdict {
  status: 'valid' | 'invalid' | 'indeterminate' | 'absent';
  /** SHA-1 or an RSA key under 2048 bits: verifies, but flagged */
  weak: boolean;
  policy: 'report' | 'require';
  algorithm?: string;
  digestAlgorithm?: string;
  signer?: {
    subject: string;
    issuer?: string;
    agencyCode?: string;
    serialNumber: string;
    fingerprint256: string;
    notAfter?: Date;
  };
  reasons: Array<{ code: string; message: string; severity: 'error' | 'indeterminate' | 'note' }>;
  checkedAt: Date;
}

/** A signature found in a PDF attachment (raw, or the one file of a ZIP), checked by the hub after acceptance. */
export interface AttachmentSignature {
  status: 'valid' | 'invalid' | 'indeterminate';
  /** false: bytes were added to the PDF after it was signed */
  coversWholeDocument: boolean;
  subFilter?: string;
  signer?: { subject: string; issuer?: string; agencyCode?: string; serialNumber: string; fingerprint256: string };
  signingTime?: Date;
  /** cms: the signed signingTime attribute; pdf: the dictionary's /M, which the signature does not protect */
  signingTimeSource?: 'cms' | 'pdf';
  algorithm?: string;
  digestAlgorithm?: string;
  weak: boolean;
  reasons: Array<{ code: string; message: string; severity: 'error' | 'indeterminate' | 'note' }>;
}

export interface TimelineAttachment {
  index: number;
  name?: string;
  contentType?: string;
  size: number;
  sha256: string;
  inspection?: {
    state: 'pending' | 'signed' | 'unsigned' | 'not-inspected' | 'refused';
    format?: 'pdf' | 'zip' | 'other';
    entryName?: string;
    reasons: Array<{ code: string; message: string; severity: 'error' | 'indeterminate' | 'note' }>;
    checkedAt?: Date;
  };
  signatures?: AttachmentSignature[];
}

/** Whether the document carries a valid PDF signature over a whole attachment, and by whom. */
export interface DocumentSignatureSummary {
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
  related: Array<{
    docId: string;
    relation: 'revokes' | 'updates' | 'replaces' | 'revoked-by' | 'updated-by' | 'replaced-by';
  }>;
  recipients: TimelineRecipient[];
  /** the PDF signatures of the attachments, summed up (documents only) */
  documentSignature?: DocumentSignatureSummary;
  /** absent when the hub did not check signatures when the package arrived */
  signature?: SignatureVerdict;
}

export interface Agency {
  code: string;
  parentCode?: string;
  name: string;
  level: number;
  email?: string;
  phone?: string;
  fax?: string;
  enabled: boolean;
  isTenant: boolean;
  tenantId?: string;
  demo: boolean;
  /** this agency's own signature policy at the hub; absent: the hub's default */
  signaturePolicy?: 'off' | 'report' | 'require';
  version: number;
  deleted: boolean;
  updatedAt: Date;
}

export interface StaffInput {
  department?: string;
  staff?: string;
  email?: string;
  mobile?: string;
}

export interface InboxQuery {
  /** `edoc` (default) or `status` */
  type?: MessageType;
  cursor?: string;
  limit?: number;
  /** only from this sender */
  from?: string;
  since?: Date | string;
  until?: Date | string;
  /** default on the hub: pending + processing */
  state?: DeliveryState[];
  /** seconds to long-poll when nothing is waiting */
  wait?: number;
  signal?: AbortSignal;
}

export interface SentQuery {
  type?: MessageType;
  cursor?: string;
  limit?: number;
  signal?: AbortSignal;
}

export interface AgenciesQuery {
  level?: number;
  /** directory version: only agencies changed after it */
  since?: number;
  includeDisabled?: boolean;
  signal?: AbortSignal;
}

/** What the hub pushes (`/v1/webhook`, docs/protocols/webhooks.md). */
export type WebhookEvent = 'edoc' | 'status';

export interface Webhook {
  agency: string;
  url: string;
  events: WebhookEvent[];
  createdAt: Date;
  updatedAt: Date;
  queue: { pending: number; deadLetters: number };
  /** the signing secret: only in the answer that created it (first registration, rotation) */
  secret?: string;
}

export interface WebhookInput {
  url: string;
  /** default: both */
  events?: WebhookEvent[];
}

/** The JSON body of a webhook call: enough to fetch the package, none of its content. */
export interface WebhookNotification {
  /** also X-Lienthong-Webhook-Id: the same on every retry */
  id: string;
  type: WebhookEvent;
  docId: string;
  from: string;
  to: string;
  messageType: MessageType;
  subject?: string;
  codeNumber?: string;
  codeNotation?: string;
  statusCode?: string;
  statusDescription?: string;
  responseForDocId?: string;
  acceptedAt: string;
  createdAt: string;
  attempt: number;
}

/** One acknowledgement of `ackMany` (`POST /v1/acks`). */
export interface AckItem {
  docId: string;
  state: AckState;
  description?: string;
}

/** What became of one acknowledgement of `ackMany`: recorded, or refused with the hub's error code. */
export interface AckResult {
  docId: string;
  ok: boolean;
  error?: { code: string; message: string };
}
