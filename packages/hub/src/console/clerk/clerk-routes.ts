// The clerks' API (/console/api/clerk/…), scoped to the clerk's agency: the hub's own operations are
// called with the agency as the principal, so the same access rules as /v1 apply (a recipient sees its
// copy, the sender sees every recipient). Unread state is per console account (console_reads): opening a
// document marks it read for that clerk only; the delivery's `fetched` time records that the agency opened it.

import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type BusinessDocType,
  type DocumentPackage,
  type Priority,
  parseEdxml,
  type StatusCode,
} from '@lienthong/edxml';
import { type Static, Type } from '@sinclair/typebox';
import busboy from 'busboy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Agency, type DeliveryState, HubError, type Principal } from '../../core/contract.js';
import { documentHeader } from '../../delivery/document-header.js';
import { acceptRawBodies } from '../../http/accept-raw-bodies.js';
import { contentDisposition } from '../../http/content-disposition.js';
import { sendStatusPackage } from '../../http/v1/send-status-package.js';
import { keyOf } from '../../store/sql/console-list-queries.js';
import type { ConsoleListKey } from '../../store/store.js';
import { auditConsole, requireConsole } from '../auth/require-console.js';
import type { ConsoleRouteOptions } from '../console-routes.js';
import type { ConsoleService } from '../console-service.js';
import {
  type ComposedFile,
  type ComposeInput,
  composeDir,
  edxmlDate,
  removeDir,
  sendComposed,
} from './compose-document.js';

/** a document's header is read from its package up to this size (larger: what the store keeps) */
const HEADER_PARSE_LIMIT = 20 * 1024 * 1024;
const INBOX_STATES: DeliveryState[] = ['pending', 'processing', 'done', 'fail', 'withdrawn'];
/** statuses a clerk returns: 03 tiếp nhận, 04 phân công, 05 đang xử lý, 06 hoàn thành, 02 từ chối (with a reason) */
export const CLERK_STATUSES = ['03', '04', '05', '06', '02'] as const;

const DocIdParams = Type.Object({ docId: Type.String({ minLength: 1, maxLength: 200 }) });
const AttachmentParams = Type.Object({
  docId: Type.String({ minLength: 1, maxLength: 200 }),
  index: Type.Integer({ minimum: 0, maximum: 100_000 }),
});
const StatusBody = Type.Object(
  {
    statusCode: Type.Union(CLERK_STATUSES.map((c) => Type.Literal(c))),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
const RevokeBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);
const DocumentQuery = Type.Object({ parts: Type.Optional(Type.Literal('timeline')) });
/** a page of the inbox or outbox continues after this row of the order (opaque to clients) */
function encodeListCursor(k: ConsoleListKey): string {
  return Buffer.from(JSON.stringify([k.priority, k.due, k.seq])).toString('base64url');
}
function decodeListCursor(cursor: string): ConsoleListKey {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      v.length === 3 &&
      Number.isInteger(v[0]) &&
      typeof v[1] === 'string' &&
      v[1].length <= 40 &&
      Number.isSafeInteger(v[2])
    ) {
      return { priority: v[0] as number, due: v[1], seq: v[2] as number };
    }
  } catch {
    // reported below
  }
  throw new HubError('bad-request', 'cursor: not a cursor from this list', { path: 'cursor' });
}

const ListQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});
const DirectoryQuery = Type.Object({
  parent: Type.Optional(Type.String({ maxLength: 64 })),
  q: Type.Optional(Type.String({ maxLength: 100 })),
});

const principalOf = (request: FastifyRequest): Principal => ({
  systemId: request.consoleSession!.agencyCode!,
  via: 'api-key',
});

/** The directory, in memory for a short while: names of senders and recipients, the tree for choosing recipients. */
class DirectoryCache {
  private loaded: { at: number; byCode: Map<string, Agency>; children: Map<string, Agency[]> } | undefined;
  constructor(private readonly service: ConsoleService) {}

  async get() {
    if (this.loaded && Date.now() - this.loaded.at < 30_000) return this.loaded;
    const all = (await this.service.hub.listAgencies({})).filter((a) => a.enabled && !a.deleted && !a.isTenant);
    const byCode = new Map(all.map((a) => [a.code, a]));
    const children = new Map<string, Agency[]>();
    for (const a of all) {
      const parent = a.parentCode && byCode.has(a.parentCode) ? a.parentCode : '';
      const list = children.get(parent) ?? [];
      list.push(a);
      children.set(parent, list);
    }
    for (const list of children.values()) list.sort((x, y) => x.code.localeCompare(y.code));
    this.loaded = { at: Date.now(), byCode, children };
    return this.loaded;
  }

  async name(code: string): Promise<string | undefined> {
    return (await this.get()).byCode.get(code)?.name ?? (await this.service.hub.getAgency(code))?.name;
  }
}

export async function clerkRoutes(app: FastifyInstance, opts: ConsoleRouteOptions): Promise<void> {
  const service = opts.console;
  const directory = new DirectoryCache(service);
  const clerk = requireConsole('clerk');
  const tags = ['console-clerk'];

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/clerk/inbox',
    {
      preHandler: clerk,
      schema: {
        tags,
        summary:
          "The clerk's agency's incoming documents: most urgent, nearest due date, newest first (keyset pages: nextCursor)",
        querystring: ListQuery,
      },
    },
    async (request) => {
      const p = principalOf(request);
      const recipients = await service.ctx.directory.scope(p);
      const limit = request.query.limit ?? 100;
      // sorted and paged in SQL: most urgent, nearest due date, newest first (console-list-queries.ts)
      const rows = await service.ctx.store.listConsoleInbox({
        recipients,
        messageType: 'edoc',
        states: INBOX_STATES,
        ...(request.query.cursor ? { after: decodeListCursor(request.query.cursor) } : {}),
        limit: limit + 1,
      });
      const pageRows = rows.slice(0, limit);
      const read = await service.ctx.store.consoleReads(
        request.consoleSession!.accountId,
        pageRows.map((r) => r.document.docId),
      );
      const items = await Promise.all(
        pageRows.map(async ({ delivery: d, document: doc }) => ({
          docId: doc.docId,
          documentId: doc.documentId,
          from: doc.sender,
          fromName: await directory.name(doc.sender),
          ...documentHeader(doc),
          receivedAt: d.createdAt.toISOString(),
          state: d.state,
          lastStatus: d.lastStatus,
          unread: !read.has(doc.docId),
        })),
      );
      const last = pageRows.at(-1);
      return {
        items,
        unread: items.filter((i) => i.unread).length,
        ...(rows.length > limit && last
          ? {
              nextCursor: encodeListCursor(keyOf(last.document.priority, last.document.dueDate, last.delivery.seq)),
            }
          : {}),
      };
    },
  );

  app.get<{ Params: Static<typeof DocIdParams>; Querystring: Static<typeof DocumentQuery> }>(
    '/clerk/documents/:docId',
    {
      preHandler: clerk,
      schema: {
        tags,
        summary:
          'A document the agency received or sent, with its timeline (parts=timeline: only what changes, for polling)',
        params: DocIdParams,
        querystring: DocumentQuery,
      },
    },
    async (request) => {
      const p = principalOf(request);
      const timeline = await service.hub.timeline(p, request.params.docId);
      if (timeline.messageType !== 'edoc') throw new HubError('not-found', `no document ${request.params.docId}`);
      const direction = timeline.sender === p.systemId ? 'out' : 'in';
      const record = await service.ctx.store.getDocument(timeline.docId);
      // the header (signer, type, dates) is read from the package; a recipient's read is recorded as `fetched`
      let header: DocumentPackage['header'] | undefined;
      const timelineOnly = request.query.parts === 'timeline';
      const pkg = timelineOnly ? undefined : await service.hub.openPackage(p, timeline.docId);
      if (!pkg) {
        // polling: the timeline only
      } else if (pkg.size <= HEADER_PARSE_LIMIT) {
        try {
          const parsed = await parseEdxml(pkg.stream as AsyncIterable<Uint8Array>);
          if (parsed.package.kind === 'document') header = parsed.package.header;
        } catch (err) {
          request.log.warn({ err, docId: timeline.docId }, 'console: the package header could not be read');
        }
      } else pkg.stream.destroy();
      if (direction === 'in' && !timelineOnly) {
        await service.ctx.store.markConsoleRead(request.consoleSession!.accountId, [timeline.docId], new Date());
      }
      const names = await Promise.all(timeline.recipients.map((r) => directory.name(r.code)));
      return {
        docId: timeline.docId,
        documentId: timeline.documentId,
        direction,
        sender: timeline.sender,
        senderName: await directory.name(timeline.sender),
        subject: timeline.subject,
        codeNumber: timeline.codeNumber,
        codeNotation: timeline.codeNotation,
        businessType: timeline.businessType,
        priority: record?.priority,
        dueDate: record?.dueDate,
        acceptedAt: timeline.acceptedAt.toISOString(),
        docTypeName: header?.documentType.typeName,
        docType: header?.documentType.typeDetail,
        signerName: header?.signerInfo.fullName,
        signerPosition: header?.signerInfo.position,
        promulgationDate: header?.promulgationInfo.promulgationDate,
        attachments: timeline.attachments.map((a) => ({
          index: a.index,
          name: a.name,
          contentType: a.contentType,
          size: a.size,
          sha256: a.sha256,
        })),
        signature: timeline.signature
          ? { status: timeline.signature.status, signer: timeline.signature.signer?.subject }
          : undefined,
        documentSignature: timeline.documentSignature?.text,
        related: timeline.related,
        recipients: timeline.recipients.map((r, i) => ({
          code: r.code,
          name: names[i] ?? r.name,
          state: r.state,
          statuses: r.statuses.map((s) => ({
            statusCode: s.statusCode,
            description: s.description,
            at: s.at.toISOString(),
            staff: s.staff,
          })),
          events: r.events.map((e) => ({
            kind: e.kind,
            at: e.at.toISOString(),
            detail: e.detail,
            statusCode: e.statusCode,
          })),
        })),
      };
    },
  );

  app.get<{ Params: Static<typeof AttachmentParams>; Querystring: { inline?: string } }>(
    '/clerk/documents/:docId/attachments/:index',
    {
      preHandler: clerk,
      schema: {
        tags,
        summary: 'An attachment: a download, or (inline=1, PDF only) shown in the page',
        params: AttachmentParams,
        querystring: Type.Object({ inline: Type.Optional(Type.String({ maxLength: 5 })) }),
      },
    },
    async (request, reply) => {
      const a = await service.hub.openAttachment(principalOf(request), request.params.docId, request.params.index);
      const pdf = /^application\/pdf\b/i.test(a.contentType) || /\.pdf$/i.test(a.name);
      const inline = request.query.inline === '1' && pdf;
      const disposition = contentDisposition(a.name, `tep-dinh-kem-${request.params.index}`);
      reply.header('content-type', inline ? 'application/pdf' : a.contentType || 'application/octet-stream');
      reply.header('content-length', String(a.size));
      reply.header('content-disposition', inline ? disposition.replace(/^attachment/, 'inline') : disposition);
      reply.header('x-frame-options', 'SAMEORIGIN');
      reply.header('cache-control', 'private, no-store');
      return reply.send(a.stream);
    },
  );

  app.post<{ Params: Static<typeof DocIdParams>; Body: Static<typeof StatusBody> }>(
    '/clerk/documents/:docId/status',
    {
      preHandler: clerk,
      schema: {
        tags,
        summary:
          'Return a handling status to the sender (03 tiếp nhận, 04 phân công, 05 đang xử lý, 06 hoàn thành, 02 từ chối + reason)',
        params: DocIdParams,
        body: StatusBody,
      },
    },
    async (request) => {
      const { statusCode, description } = request.body;
      if (statusCode === '02' && !description?.trim()) {
        throw new HubError('bad-request', 'description: a refusal (02) needs a reason', { path: 'description' });
      }
      const me = request.consoleSession!;
      const p = principalOf(request);
      const timeline = await service.hub.timeline(p, request.params.docId);
      if (timeline.sender === p.systemId) {
        throw new HubError('bad-request', 'a status answers a document you received, not one you sent', {
          path: 'docId',
        });
      }
      const result = await sendStatusPackage(service.hub, p, request.params.docId, {
        statusCode: statusCode as StatusCode,
        ...(description?.trim() ? { description: description.trim() } : {}),
        staff: { staff: me.displayName, department: 'Văn thư' },
        requestId: request.id,
      });
      await auditConsole(service, request, {
        action: 'console-status',
        subject: request.params.docId,
        details: { statusCode, statusDocId: result.docId },
      });
      return { docId: result.docId, statusCode };
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/clerk/outbox',
    {
      preHandler: clerk,
      schema: {
        tags,
        summary:
          "The agency's sent documents, with each recipient's status: most urgent, nearest due date, newest first (keyset pages)",
        querystring: ListQuery,
      },
    },
    async (request) => {
      const p = principalOf(request);
      const limit = request.query.limit ?? 50;
      // sorted and paged in SQL, as the inbox (console-list-queries.ts)
      const docs = await service.ctx.store.listConsoleOutbox({
        senders: await service.ctx.directory.scope(p),
        messageType: 'edoc',
        ...(request.query.cursor ? { after: decodeListCursor(request.query.cursor) } : {}),
        limit: limit + 1,
      });
      const page = docs.slice(0, limit);
      const items = await Promise.all(
        page.map(async (doc) => {
          const deliveries = await service.ctx.store.getDeliveries(doc.docId);
          return {
            docId: doc.docId,
            documentId: doc.documentId,
            ...documentHeader(doc),
            sentAt: doc.acceptedAt.toISOString(),
            recipients: await Promise.all(
              deliveries.map(async (r) => ({
                code: r.recipient,
                name: await directory.name(r.recipient),
                state: r.state,
                lastStatus: r.lastStatus,
              })),
            ),
          };
        }),
      );
      const last = page.at(-1);
      return {
        items,
        ...(docs.length > limit && last
          ? { nextCursor: encodeListCursor(keyOf(last.priority, last.dueDate, last.seq)) }
          : {}),
      };
    },
  );

  app.get(
    '/clerk/limits',
    { preHandler: clerk, schema: { tags, summary: 'Limits the compose form checks before sending' } },
    async () => ({ maxUploadBytes: service.ctx.config.console.maxUploadBytes }),
  );

  app.get<{ Querystring: Static<typeof DirectoryQuery> }>(
    '/clerk/directory',
    {
      preHandler: requireConsole(),
      schema: {
        tags,
        summary: 'The directory tree: the children of `parent` (top level without it), or agencies matching `q`',
        querystring: DirectoryQuery,
      },
    },
    async (request) => {
      const d = await directory.get();
      const view = (a: Agency) => ({
        code: a.code,
        name: a.name,
        ...(a.parentCode ? { parentCode: a.parentCode } : {}),
        hasChildren: (d.children.get(a.code)?.length ?? 0) > 0,
      });
      const q = request.query.q?.trim().toLowerCase();
      if (q) {
        const fold = (s: string) =>
          s
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, '')
            .replace(/đ/g, 'd');
        const needle = fold(q);
        const hits = [...d.byCode.values()].filter(
          (a) => a.code.toLowerCase().includes(needle) || fold(a.name.toLowerCase()).includes(needle),
        );
        return { items: hits.slice(0, 50).map(view) };
      }
      const parent = request.query.parent ?? '';
      if (parent && !d.byCode.has(parent)) {
        throw new HubError('not-found', `no agency ${parent} in the directory`, { path: 'parent' });
      }
      return { items: (d.children.get(parent) ?? []).map(view) };
    },
  );

  app.post<{ Params: Static<typeof DocIdParams>; Body: Static<typeof RevokeBody> }>(
    '/clerk/documents/:docId/revoke',
    {
      preHandler: clerk,
      schema: {
        tags,
        summary: 'Revoke a sent document at every recipient (business type 1)',
        params: DocIdParams,
        body: RevokeBody,
      },
    },
    async (request) => {
      const p = principalOf(request);
      const original = await sentOriginal(service, p, request.params.docId);
      const dir = await composeDir(service);
      try {
        const result = await sendComposed(
          service,
          p,
          {
            ...original.form,
            recipients: original.recipients,
            files: [],
            businessType: 1,
            target: original.documentId,
            reason: request.body.reason.trim(),
            staff: request.consoleSession!.displayName,
          },
          dir,
          request.id,
        );
        await auditConsole(service, request, {
          action: 'console-revoke',
          subject: request.params.docId,
          details: { revokeDocId: result.docId },
        });
        return { docId: result.docId, recipients: result.recipients };
      } finally {
        await removeDir(dir);
      }
    },
  );

  // compose: multipart/form-data, attachments streamed to temporary files
  await app.register(async (upload) => {
    acceptRawBodies(upload);
    upload.post(
      '/clerk/documents',
      {
        preHandler: clerk,
        schema: {
          tags,
          summary:
            'Compose and send a document (multipart/form-data: fields and `attachments` files), signed with the agency key; ' +
            'businessType 2 (update recipients) or 3 (replace) with `target` = the DocId of the sent document',
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const dir = await composeDir(service);
        try {
          const form = await readForm(request, dir, service.ctx.config.console.maxUploadBytes);
          const input = await composeInput(service, p, form, request.consoleSession!.displayName);
          const result = await sendComposed(service, p, input, dir, request.id);
          await auditConsole(service, request, {
            action: 'console-send',
            subject: result.docId,
            details: {
              businessType: input.businessType,
              recipients: result.recipients,
              attachments: input.files.length,
              ...(input.target ? { target: input.target } : {}),
            },
          });
          return reply.code(201).send({
            docId: result.docId,
            recipients: result.recipients,
            warnings: result.warnings,
          });
        } finally {
          await removeDir(dir);
        }
      },
    );
  });
}

interface FormData {
  fields: Map<string, string[]>;
  files: ComposedFile[];
}

/** Reads a multipart form: fields into memory (small), files to `dir`; an oversize file is a 413 naming it. */
function readForm(request: FastifyRequest, dir: string, maxFileBytes: number): Promise<FormData> {
  const type = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    request.raw.resume();
    return Promise.reject(
      new HubError('bad-request', 'the form must be sent as multipart/form-data', { path: 'content-type' }),
    );
  }
  return new Promise((resolve, reject) => {
    const fields = new Map<string, string[]>();
    const files: ComposedFile[] = [];
    const writes: Promise<void>[] = [];
    let failure: HubError | undefined;
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: request.headers as busboy.BusboyConfig['headers'],
        limits: { fileSize: maxFileBytes, files: 50, fields: 200, fieldSize: 64 * 1024, parts: 300 },
        defParamCharset: 'utf8',
      });
    } catch (err) {
      request.raw.resume();
      reject(new HubError('bad-request', `not a readable multipart form: ${(err as Error).message}`));
      return;
    }
    bb.on('field', (name, value) => {
      const list = fields.get(name) ?? [];
      list.push(value);
      fields.set(name, list);
    });
    bb.on('file', (name, stream: Readable, info) => {
      if (name !== 'attachments' || !info.filename || failure) {
        stream.resume();
        return;
      }
      const path = join(dir, `attachment-${files.length}`);
      const file: ComposedFile = {
        name: info.filename.split(/[/\\]/).pop()!.slice(0, 255),
        contentType: info.mimeType || 'application/octet-stream',
        path,
        size: 0,
      };
      files.push(file);
      stream.on('data', (c: Buffer) => {
        file.size += c.length;
      });
      stream.on('limit', () => {
        failure ??= new HubError(
          'too-large',
          `attachments: ${file.name} is larger than the limit of ${maxFileBytes} bytes per file`,
          { path: 'attachments', details: { file: file.name, limit: maxFileBytes } },
        );
      });
      writes.push(pipeline(stream, createWriteStream(path)));
    });
    bb.on('error', (err: Error) => reject(new HubError('bad-request', `the form is not well-formed: ${err.message}`)));
    bb.on('close', () => {
      Promise.all(writes).then(
        () => (failure ? reject(failure) : resolve({ fields, files })),
        (err: Error) => reject(failure ?? err),
      );
    });
    request.raw.pipe(bb);
  });
}

const PRIORITIES = new Set([0, 1, 2, 3, 4]);

async function composeInput(
  service: ConsoleService,
  p: Principal,
  form: FormData,
  staff: string,
): Promise<ComposeInput> {
  const field = (name: string) => form.fields.get(name)?.[0]?.trim() ?? '';
  const required = (name: string, max: number) => {
    const v = field(name);
    if (!v) throw new HubError('bad-request', `${name}: required`, { path: name });
    if (v.length > max) throw new HubError('bad-request', `${name}: at most ${max} characters`, { path: name });
    return v;
  };
  const businessType = Number(field('businessType') || '0') as BusinessDocType;
  if (![0, 2, 3].includes(businessType)) {
    throw new HubError('bad-request', 'businessType: 0 (new), 2 (update recipients) or 3 (replace)', {
      path: 'businessType',
    });
  }
  const recipients = [
    ...new Set(
      (form.fields.get('recipients') ?? [])
        .flatMap((v) => v.split(/[\s,;]+/))
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
  let original: Awaited<ReturnType<typeof sentOriginal>> | undefined;
  if (businessType !== 0) original = await sentOriginal(service, p, required('target', 200));
  if (recipients.length === 0)
    throw new HubError('bad-request', 'recipients: choose at least one recipient', { path: 'recipients' });
  if (recipients.length > 1000) throw new HubError('bad-request', 'recipients: at most 1000', { path: 'recipients' });
  const unknown: string[] = [];
  for (const code of recipients) {
    const a = await service.hub.getAgency(code);
    if (!a || a.deleted || !a.enabled || a.isTenant) unknown.push(code);
  }
  if (unknown.length > 0) {
    throw new HubError('unknown-recipient', `recipients: no agency ${unknown.join(', ')} in the directory`, {
      path: 'recipients',
      details: { unknown },
    });
  }
  if (recipients.includes(p.systemId)) {
    throw new HubError('bad-request', 'recipients: your own agency cannot be a recipient', { path: 'recipients' });
  }
  if (businessType === 2 && original) {
    const before = new Set(original.recipients);
    const after = new Set(recipients);
    const changes = [
      ...[...before].filter((c) => !after.has(c)).map((organId) => ({ organId, receiverType: 0 as const })),
      ...[...after].filter((c) => !before.has(c)).map((organId) => ({ organId, receiverType: 1 as const })),
    ];
    if (changes.length === 0) throw new HubError('bad-request', 'recipients: nothing changed', { path: 'recipients' });
    return {
      ...original.form,
      recipients: [...new Set([...recipients, ...original.recipients])],
      files: [],
      businessType: 2,
      target: original.documentId,
      receiverChanges: changes,
      staff,
    };
  }
  const codeNumber = required('codeNumber', 20);
  const codeNotation = required('codeNotation', 40);
  if (/[,/]/.test(codeNumber))
    throw new HubError('bad-request', 'codeNumber: no comma or slash', { path: 'codeNumber' });
  if (/,/.test(codeNotation)) throw new HubError('bad-request', 'codeNotation: no comma', { path: 'codeNotation' });
  const docType = Number(field('docType') || '18');
  if (!Number.isInteger(docType) || docType < 1 || docType > 99) {
    throw new HubError('bad-request', 'docType: a document type number (1–99)', { path: 'docType' });
  }
  const priority = Number(field('priority') || '0');
  if (!PRIORITIES.has(priority)) throw new HubError('bad-request', 'priority: 0–4', { path: 'priority' });
  return {
    codeNumber,
    codeNotation,
    docType,
    docTypeName: field('docTypeName').slice(0, 100) || 'Công văn',
    subject: required('subject', 1000),
    signerName: required('signerName', 200),
    signerPosition: field('signerPosition').slice(0, 200) || undefined,
    promulgationDate: edxmlDate(field('promulgationDate'), 'promulgationDate', { required: true })!,
    priority: priority as Priority,
    dueDate: edxmlDate(field('dueDate'), 'dueDate'),
    recipients,
    files: form.files,
    businessType,
    ...(original ? { target: original.documentId } : {}),
    staff,
  };
}

/** A document the clerk's agency sent (for revoke / update / replace): its form values and recipients. */
async function sentOriginal(service: ConsoleService, p: Principal, docId: string) {
  const timeline = await service.hub.timeline(p, docId).catch((err: unknown) => {
    if (err instanceof HubError && err.code === 'not-found') {
      throw new HubError('bad-request', `target: no document ${docId} sent by your agency`, { path: 'target' });
    }
    throw err;
  });
  if (timeline.sender !== p.systemId || timeline.messageType !== 'edoc' || !timeline.documentId) {
    throw new HubError('bad-request', `target: ${docId} is not a document your agency sent`, { path: 'target' });
  }
  const record = await service.ctx.store.getDocument(docId);
  const [, date] = timeline.documentId.split(',');
  return {
    documentId: timeline.documentId,
    recipients: timeline.recipients.filter((r) => r.state !== 'withdrawn').map((r) => r.code),
    form: {
      codeNumber: timeline.codeNumber ?? '0',
      codeNotation: timeline.codeNotation ?? '-',
      docType: 18,
      docTypeName: 'Công văn',
      subject: timeline.subject ?? '',
      signerName: 'Văn thư',
      promulgationDate:
        date && /^\d{4}\/\d{2}\/\d{2}$/.test(date) ? date : edxmlDate(undefined, 'date', { required: true })!,
      priority: (record?.priority ?? 0) as Priority,
      ...(record?.dueDate ? { dueDate: record.dueDate } : {}),
    },
  };
}
