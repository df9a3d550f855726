// The edXML (QCVN 102:2016) package model, as the parser produces it and the builder consumes it.
// Dates are normalised to the standard forms: `yyyy/MM/dd` and `yyyy/MM/dd HH:mm:ss`.
// Optional text fields are `undefined` when the element is absent or empty.

export const EDXML_NAMESPACE = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const DSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';

export interface Organization {
  organId: string;
  organizationInCharge?: string;
  organName?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
}

export interface DocumentCode {
  codeNumber: string;
  codeNotation: string;
}

export interface PromulgationInfo {
  place?: string;
  /** yyyy/MM/dd */
  promulgationDate?: string;
}

export interface DocumentTypeInfo {
  /** 1 administrative, 2 legal-normative */
  type?: number;
  typeDetail?: number;
  typeName?: string;
}

export interface SignerInfo {
  competence?: string;
  position?: string;
  fullName?: string;
}

/** 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ */
export type Priority = 0 | 1 | 2 | 3 | 4;

export interface OtherInfo {
  priority?: Priority;
  sphereOfPromulgation?: string;
  typerNotation?: string;
  promulgationAmount?: number;
  pageAmount?: number;
  direction?: boolean;
  appendixes: string[];
}

export interface ResponseFor {
  organId: string;
  code?: string;
  /** yyyy/MM/dd */
  promulgationDate?: string;
  documentId: string;
}

export interface TraceHeader {
  organId: string;
  /** yyyy/MM/dd HH:mm:ss */
  timestamp: string;
}

export interface StaffInfo {
  department?: string;
  staff?: string;
  email?: string;
  mobile?: string;
}

/** 0 new, 1 revoke (thu hồi), 2 update (cập nhật), 3 replace (thay thế) */
export type BusinessDocType = 0 | 1 | 2 | 3;

export interface ReceiverChange {
  organId: string;
  /** 0 removed, 1 added */
  receiverType: 0 | 1;
}

export interface BusinessDocumentInfo {
  /** DocumentInfo = 1: the metadata changed */
  documentInfoChanged: boolean;
  /** DocumentReceiver = 1: the recipients changed */
  receiversChanged: boolean;
  receivers: ReceiverChange[];
}

export interface ReplacementInfo {
  documentId: string;
  organIds: string[];
}

export interface Business {
  /** The document this business action is about (for revoke/update/replace: the target). */
  documentId?: string;
  docType: BusinessDocType;
  reason?: string;
  paper?: boolean;
  staffInfo?: StaffInfo;
  documentInfo?: BusinessDocumentInfo;
  replacements?: ReplacementInfo[];
}

export interface ManifestReference {
  contentId: string;
  contentType?: string;
  description?: string;
  attachmentName?: string;
}

/** What the parser learned of one <Attachment>; the bytes themselves went to the AttachmentSink. */
export interface AttachmentInfo {
  index: number;
  contentId?: string;
  attachmentName?: string;
  description?: string;
  contentType?: string;
  /** decoded size in bytes */
  size: number;
  /** lowercase hex SHA-256 of the decoded bytes */
  sha256: string;
  /** whatever the sink returned from end(), e.g. a blob reference */
  ref?: unknown;
}

export interface SignatureInfo {
  /** namespace the Signature element was found in: W3C dsig, or the QCVN default namespace (vendor quirk) */
  namespace: 'dsig' | 'qcvn' | 'other';
  /** count of Signature elements found anywhere in the package */
  count: number;
  /** byte offsets [start, end) of the (first) Signature element within the raw input */
  start: number;
  end: number;
}

export interface DocumentHeader {
  from: Organization;
  to: Organization[];
  /** `<issuer OrganId>,<yyyy/MM/dd>,<number>/<notation>` */
  documentId: string;
  code: DocumentCode;
  promulgationInfo: PromulgationInfo;
  documentType: DocumentTypeInfo;
  subject: string;
  content?: string;
  signerInfo: SignerInfo;
  /** yyyy/MM/dd */
  dueDate?: string;
  otherInfo: OtherInfo;
  responseFor: ResponseFor[];
  /** 0 not a directive, 1 directive, 2 report on a directive */
  steeringType?: number;
  toPlaces: string[];
}

export interface DocumentPackage {
  kind: 'document';
  header: DocumentHeader;
  traces: TraceHeader[];
  business: Business;
  manifest: ManifestReference[];
  attachments: AttachmentInfo[];
  signature?: SignatureInfo;
}

export type StatusCode = '01' | '02' | '03' | '04' | '05' | '06' | '13' | '15' | '16';

export interface StatusPackage {
  kind: 'status';
  from: Organization;
  responseFor: ResponseFor;
  staffInfo: StaffInfo;
  statusCode: StatusCode;
  description?: string;
  /** yyyy/MM/dd HH:mm:ss */
  timestamp: string;
  signature?: SignatureInfo;
}

export type EdxmlPackage = DocumentPackage | StatusPackage;
