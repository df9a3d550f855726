// A clerk's document, as the console sends it: an edXML package built from the form (packages/edxml
// buildDocument, attachments streamed from the spooled upload files), signed with the agency's key
// (XML-DSig, packages/trust signPackage) and submitted through the hub's own intake, like any package.

import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type Business,
  type BusinessDocType,
  buildDocument,
  formatDate,
  formatTimestamp,
  type Priority,
} from '@lienthong/edxml';
import { signPackage } from '@lienthong/trust';
import { HubError, type Principal, type SubmitResult } from '../../core/contract.js';
import type { ConsoleService } from '../console-service.js';

export interface ComposedFile {
  name: string;
  contentType: string;
  path: string;
  size: number;
}

export interface ComposeInput {
  codeNumber: string;
  codeNotation: string;
  /** DocumentType/TypeDetail (1 Nghị quyết … 18 Công văn …) and its name */
  docType: number;
  docTypeName: string;
  subject: string;
  signerName: string;
  signerPosition?: string;
  /** yyyy/MM/dd */
  promulgationDate: string;
  priority: Priority;
  /** yyyy/MM/dd */
  dueDate?: string;
  recipients: string[];
  files: ComposedFile[];
  /** 0 new; 2 update (recipients); 3 replace; 1 revoke */
  businessType: BusinessDocType;
  /** the DocumentId of the document this one revokes/updates/replaces */
  target?: string;
  /** update: recipients removed (receiverType 0) and added (1) */
  receiverChanges?: Array<{ organId: string; receiverType: 0 | 1 }>;
  reason?: string;
  staff: string;
}

/** A temporary directory under the data dir for one composition; removed by the caller. */
export async function composeDir(service: ConsoleService): Promise<string> {
  const dir = join(service.ctx.config.dataDir, 'tmp', `console-${randomBytes(8).toString('hex')}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export async function sendComposed(
  service: ConsoleService,
  principal: Principal,
  input: ComposeInput,
  dir: string,
  requestId: string,
): Promise<SubmitResult> {
  const me = principal.systemId;
  const [agency, ...recipients] = await Promise.all([
    service.hub.getAgency(me),
    ...input.recipients.map((c) => service.hub.getAgency(c)),
  ]);
  const documentId = `${me},${input.promulgationDate},${input.codeNumber}/${input.codeNotation}`;
  const business: Business =
    input.businessType === 0
      ? { docType: 0, documentId }
      : {
          docType: input.businessType,
          documentId: input.target,
          ...(input.reason ? { reason: input.reason } : {}),
          staffInfo: { staff: input.staff },
          ...(input.businessType === 2
            ? {
                documentInfo: {
                  documentInfoChanged: false,
                  receiversChanged: true,
                  receivers: input.receiverChanges ?? [],
                },
              }
            : {}),
          ...(input.businessType === 3 && input.target
            ? { replacements: [{ documentId: input.target, organIds: input.recipients }] }
            : {}),
        };
  const now = new Date();
  const unsigned = join(dir, 'package.edxml');
  await pipeline(
    Readable.from(
      buildDocument({
        header: {
          from: {
            organId: me,
            organName: agency?.name,
            organizationInCharge: agency?.name,
            email: agency?.email,
            telephone: agency?.phone,
          },
          to: input.recipients.map((organId, i) => ({ organId, organName: recipients[i]?.name })),
          documentId,
          code: { codeNumber: input.codeNumber, codeNotation: input.codeNotation },
          promulgationInfo: { promulgationDate: input.promulgationDate },
          documentType: { type: 1, typeDetail: input.docType, typeName: input.docTypeName },
          subject: input.subject,
          signerInfo: {
            fullName: input.signerName,
            ...(input.signerPosition ? { position: input.signerPosition } : {}),
          },
          ...(input.dueDate ? { dueDate: input.dueDate } : {}),
          otherInfo: { priority: input.priority, appendixes: [] },
          responseFor: [],
          toPlaces: recipients.map((r, i) => r?.name ?? input.recipients[i]!),
        },
        traces: [{ organId: me, timestamp: formatTimestamp(now) }],
        business,
        attachments: input.files.map((f, i) => ({
          contentId: `cid:${i + 1}`,
          attachmentName: f.name,
          contentType: f.contentType,
          description: f.name,
          content: createReadStream(f.path),
        })),
      }),
    ),
    createWriteStream(unsigned),
  );
  const key = await service.signingKeys.get(me);
  let body: Readable;
  if (key) {
    const signed = await signPackage(unsigned, { key: key.keyPem, certificate: key.certificatePem });
    body = Readable.from(signed.bytes());
  } else {
    service.ctx.logger.warn({ agency: me }, 'console: no signing key for the agency; the document goes unsigned');
    body = createReadStream(unsigned);
  }
  return service.hub.submit({ principal, body, messageType: 'edoc', to: input.recipients, requestId });
}

/** `yyyy-MM-dd` (an <input type=date>) → `yyyy/MM/dd`; today in Vietnam when empty. */
export function edxmlDate(
  value: string | undefined,
  field: string,
  opts: { required?: boolean } = {},
): string | undefined {
  if (!value) {
    if (!opts.required) return undefined;
    return formatDate(new Date());
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new HubError('bad-request', `${field}: not a date (yyyy-MM-dd): ${value.slice(0, 40)}`, { path: field });
  }
  return `${m[1]}/${m[2]}/${m[3]}`;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
