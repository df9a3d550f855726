// SQL rows <-> store records. Times are epoch milliseconds, booleans 0/1, absent values NULL.

import type { BusinessDocType, Priority, StatusCode } from '@lienthong/edxml';
import type { Selectable } from 'kysely';
import type { DeliveryState, MessageType, SignaturePolicy } from '../../core/contract.js';
import type {
  AgencyRecord,
  AttachmentRecord,
  AuditRecord,
  CredentialRecord,
  DeliveryRecord,
  DocumentRecord,
  EventRecord,
  NewDocumentRecord,
  RelationKind,
  RelationRecord,
  TraceRecord,
} from '../store.js';
import type {
  AgenciesTable,
  AttachmentsTable,
  AuditLogTable,
  CredentialsTable,
  DeliveriesTable,
  DocumentsTable,
  EventsTable,
  TraceHeadersTable,
} from './database.js';

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
const date = (v: number | null): Date | undefined => (v === null ? undefined : new Date(v));

export function toAgency(r: AgenciesTable): AgencyRecord {
  return {
    code: r.code,
    parentCode: opt(r.parent_code),
    name: r.name,
    level: r.level,
    email: opt(r.email),
    phone: opt(r.phone),
    fax: opt(r.fax),
    enabled: r.enabled === 1,
    isTenant: r.is_tenant === 1,
    tenantId: opt(r.tenant_id),
    demo: r.demo === 1,
    signaturePolicy: opt(r.signature_policy) as SignaturePolicy | undefined,
    version: r.version,
    deleted: r.deleted === 1,
    updatedAt: new Date(r.updated_at),
  };
}

export function toCredential(r: CredentialsTable): CredentialRecord {
  return {
    systemId: r.system_id,
    vxpSecretSealed: r.vxp_secret_sealed,
    apiKeyId: r.api_key_id,
    apiKeyHash: r.api_key_hash,
    createdAt: new Date(r.created_at),
  };
}

export function toDocument(r: DocumentsTable): DocumentRecord {
  return {
    docId: r.doc_id,
    seq: r.seq,
    messageType: r.message_type as MessageType,
    sender: r.sender,
    submittedBy: r.submitted_by,
    documentId: opt(r.document_id),
    businessType: opt(r.business_type) as BusinessDocType | undefined,
    businessTarget: opt(r.business_target),
    subject: opt(r.subject),
    codeNumber: opt(r.code_number),
    codeNotation: opt(r.code_notation),
    priority: opt(r.priority) as Priority | undefined,
    dueDate: opt(r.due_date),
    statusCode: opt(r.status_code) as StatusCode | undefined,
    statusDescription: opt(r.status_description),
    statusStaff: opt(r.status_staff),
    responseForDocId: opt(r.response_for_doc_id),
    responseForOrganId: opt(r.response_for_organ_id),
    responseForDocumentId: opt(r.response_for_document_id),
    blobKey: r.blob_key,
    xmlStart: r.xml_start,
    xmlEnd: r.xml_end,
    traceOffset: opt(r.trace_offset),
    tracePrefix: opt(r.trace_prefix),
    traceIndent: opt(r.trace_indent),
    hubTraceTimestamp: opt(r.hub_trace_timestamp),
    sha256: r.sha256,
    size: r.size,
    acceptedAt: new Date(r.accepted_at),
  };
}

export function fromDocument(d: NewDocumentRecord, seq: number): DocumentsTable {
  return {
    doc_id: d.docId,
    seq,
    message_type: d.messageType,
    sender: d.sender,
    submitted_by: d.submittedBy,
    document_id: d.documentId ?? null,
    business_type: d.businessType ?? null,
    business_target: d.businessTarget ?? null,
    subject: d.subject ?? null,
    code_number: d.codeNumber ?? null,
    code_notation: d.codeNotation ?? null,
    priority: d.priority ?? null,
    due_date: d.dueDate ?? null,
    status_code: d.statusCode ?? null,
    status_description: d.statusDescription ?? null,
    status_staff: d.statusStaff ?? null,
    response_for_doc_id: d.responseForDocId ?? null,
    response_for_organ_id: d.responseForOrganId ?? null,
    response_for_document_id: d.responseForDocumentId ?? null,
    blob_key: d.blobKey,
    xml_start: d.xmlStart,
    xml_end: d.xmlEnd,
    trace_offset: d.traceOffset ?? null,
    trace_prefix: d.tracePrefix ?? null,
    trace_indent: d.traceIndent ?? null,
    hub_trace_timestamp: d.hubTraceTimestamp ?? null,
    sha256: d.sha256,
    size: d.size,
    accepted_at: d.acceptedAt.getTime(),
  };
}

export function toAttachment(r: AttachmentsTable): AttachmentRecord {
  return {
    docId: r.doc_id,
    index: r.idx,
    contentId: opt(r.content_id),
    name: opt(r.name),
    contentType: opt(r.content_type),
    size: r.size,
    sha256: r.sha256,
    blobKey: r.blob_key,
  };
}

export function toDelivery(r: DeliveriesTable): DeliveryRecord {
  return {
    docId: r.doc_id,
    recipient: r.recipient,
    seq: r.seq,
    state: r.state as DeliveryState,
    stateDescription: opt(r.state_description),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    fetchedAt: date(r.fetched_at),
    lastStatus: opt(r.last_status) as StatusCode | undefined,
    lastStatusAt: date(r.last_status_at),
  };
}

export function toEvent(r: Selectable<EventsTable>): EventRecord {
  return {
    docId: r.doc_id,
    recipient: opt(r.recipient),
    at: new Date(r.at),
    kind: r.kind,
    actor: opt(r.actor),
    detail: opt(r.detail),
    statusCode: opt(r.status_code) as StatusCode | undefined,
    relatedDocId: opt(r.related_doc_id),
  };
}

export function toTrace(r: TraceHeadersTable): TraceRecord {
  return { docId: r.doc_id, position: r.position, organId: r.organ_id, timestamp: r.timestamp, byHub: r.by_hub === 1 };
}

export function toRelation(r: { doc_id: string; related_doc_id: string; relation: string }): RelationRecord {
  return { docId: r.doc_id, relatedDocId: r.related_doc_id, relation: r.relation as RelationKind };
}

export function toAudit(r: AuditLogTable): AuditRecord {
  return {
    id: r.id,
    at: new Date(r.at),
    actor: r.actor,
    action: r.action,
    subject: opt(r.subject),
    outcome: r.outcome as 'ok' | 'refused',
    reason: opt(r.reason),
    requestId: opt(r.request_id),
    payload: r.payload,
    prevHash: r.prev_hash ?? '',
    hash: r.hash ?? '',
  };
}
