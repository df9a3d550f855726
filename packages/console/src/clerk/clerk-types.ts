// What the clerks' API answers (packages/hub/src/console/clerk/clerk-routes.ts).

export type StatusCode = '01' | '02' | '03' | '04' | '05' | '06' | '13' | '15' | '16';
export type DeliveryState = 'pending' | 'processing' | 'done' | 'fail' | 'withdrawn';

export interface InboxItem {
  docId: string;
  documentId?: string;
  from: string;
  fromName?: string;
  subject?: string;
  codeNumber?: string;
  codeNotation?: string;
  priority?: number;
  dueDate?: string;
  businessType?: number;
  receivedAt: string;
  state: DeliveryState;
  lastStatus?: StatusCode;
  unread: boolean;
}

export interface RecipientTimeline {
  code: string;
  name?: string;
  state: DeliveryState;
  statuses: Array<{ statusCode: StatusCode; description?: string; at: string; staff?: string }>;
  events: Array<{ kind: string; at: string; detail?: string; statusCode?: StatusCode }>;
}

export interface DocumentView {
  docId: string;
  documentId?: string;
  direction: 'in' | 'out';
  sender: string;
  senderName?: string;
  subject?: string;
  codeNumber?: string;
  codeNotation?: string;
  businessType?: number;
  priority?: number;
  dueDate?: string;
  acceptedAt: string;
  docTypeName?: string;
  docType?: number;
  signerName?: string;
  signerPosition?: string;
  promulgationDate?: string;
  attachments: Array<{ index: number; name?: string; contentType?: string; size: number; sha256: string }>;
  signature?: { status: string; signer?: string };
  documentSignature?: string;
  related: Array<{ docId: string; relation: string }>;
  recipients: RecipientTimeline[];
}

export interface OutboxItem {
  docId: string;
  documentId?: string;
  subject?: string;
  codeNumber?: string;
  codeNotation?: string;
  priority?: number;
  dueDate?: string;
  businessType?: number;
  sentAt: string;
  recipients: Array<{ code: string; name?: string; state: DeliveryState; lastStatus?: StatusCode }>;
}

export interface AgencyNode {
  code: string;
  name: string;
  parentCode?: string;
  hasChildren: boolean;
}

export const numberOf = (d: { codeNumber?: string; codeNotation?: string }) =>
  [d.codeNumber, d.codeNotation].filter(Boolean).join('/') || '—';
