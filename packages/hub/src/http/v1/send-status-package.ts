import { Readable } from 'node:stream';
import { buildStatus, formatTimestamp, type StaffInfo, type StatusCode } from '@lienthong/edxml';
import { HubError, type HubService, type Principal, type SubmitResult } from '../../core/contract.js';

export interface StatusRequest {
  statusCode: StatusCode;
  description?: string;
  staff?: StaffInfo;
  requestId?: string;
}

/**
 * Builds the edXML status package a recipient would have built about a document it received, and submits it
 * through the same intake as any package (so the same routing and validation apply).
 * ResponseFor comes from the document's timeline: its DocumentId `<issuer>,<yyyy/MM/dd>,<number>/<notation>`
 * carries the issuer and the promulgation date.
 */
export async function sendStatusPackage(
  hub: HubService,
  principal: Principal,
  docId: string,
  req: StatusRequest,
): Promise<SubmitResult> {
  const doc = await hub.timeline(principal, docId);
  if (doc.messageType !== 'edoc') {
    throw new HubError('bad-request', `${docId} is a status package; a status answers a document`, { path: 'docId' });
  }
  if (!doc.documentId) {
    throw new HubError('invalid-package', `${docId} has no DocumentId to answer`, { path: 'docId' });
  }
  const [issuer, date] = doc.documentId.split(',');
  const me = await hub.getAgency(principal.systemId);
  const xml = buildStatus({
    from: {
      organId: principal.systemId,
      organName: me?.name,
      organizationInCharge: me?.name,
      email: me?.email,
      telephone: me?.phone,
      fax: me?.fax,
    },
    responseFor: {
      organId: issuer?.trim() || doc.sender,
      code: [doc.codeNumber, doc.codeNotation].filter(Boolean).join('/') || undefined,
      promulgationDate: date && /^\d{4}\/\d{2}\/\d{2}$/.test(date.trim()) ? date.trim() : undefined,
      documentId: doc.documentId,
    },
    staffInfo: req.staff ?? {},
    statusCode: req.statusCode,
    description: req.description,
    timestamp: formatTimestamp(new Date()),
  });
  return hub.submit({
    principal,
    body: Readable.from([Buffer.from(xml, 'utf8')]),
    messageType: 'status',
    requestId: req.requestId,
  });
}
