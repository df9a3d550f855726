// /federation/v1: the routes linked hubs call. Every request must be signed by a linked hub's pinned
// key (link-auth.ts); agency credentials mean nothing here, and link signatures mean nothing on the
// agency routes (/v1, VXP), which never look at them.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubConfig } from '../config/hub-config.js';
import { HubError, type HubService } from '../core/contract.js';
import { acceptRawBodies } from '../http/accept-raw-bodies.js';
import { readSmallBody } from '../http/read-small-body.js';
import { rejectOversizedBodies } from '../http/reject-oversized-bodies.js';
import type { AckMessage, Federation } from './federation.js';
import { LINK_HEADERS, sha256Hex, signLinkResponse, type VerifiedLinkRequest } from './link-auth.js';

export interface FederationRoutesOptions {
  hub: HubService;
  federation: Federation;
  config: HubConfig;
}

declare module 'fastify' {
  interface FastifyRequest {
    link?: VerifiedLinkRequest;
  }
}

const ACK_BODY_MAX = 1024 * 1024;
/** hub-to-hub routes are not part of the agencies' API: left out of the OpenAPI document */
const HIDE = { hide: true };

export async function federationRoutes(app: FastifyInstance, opts: FederationRoutesOptions): Promise<void> {
  const { hub, federation } = opts;
  acceptRawBodies(app);
  rejectOversizedBodies(app, opts.config.limits.maxBodyBytes);
  app.addHook('onRequest', async (request) => {
    request.link = federation.verifier.verify(request.method, request.url, request.headers);
  });
  // every answer to a verified link request is signed: the peer believes an acceptance only from this hub
  app.addHook('onSend', async (request, reply, payload) => {
    const nonce = request.headers[LINK_HEADERS.nonce];
    if (!request.link || typeof nonce !== 'string') return payload;
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : payload == null ? '' : undefined;
    if (body === undefined) return payload;
    reply.header(
      LINK_HEADERS.responseSignature,
      signLinkResponse(federation.identity.privateKey, {
        from: federation.selfId,
        to: request.link.peer,
        nonce,
        status: reply.statusCode,
        body,
      }),
    );
    return payload;
  });
  const link = (request: FastifyRequest): VerifiedLinkRequest => {
    if (!request.link) throw new HubError('unauthenticated', 'a signed hub link request is required');
    return request.link;
  };

  /** who am I talking to: a link check (`lienthong links check`) */
  app.get('/hello', { schema: HIDE }, async (request) => {
    const l = link(request);
    await readSmallBody(request.body, 0);
    return { hubId: federation.selfId, peer: l.peer };
  });

  app.get<{ Querystring: { since?: string; limit?: string } }>('/directory', { schema: HIDE }, async (request) => {
    const l = link(request);
    const since = intParam(request.query.since ?? '0', 'since', 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(request.query.limit ?? '500', 'limit', 1, 1000);
    return federation.serveDirectory(l.peer, since, limit);
  });

  app.post('/packages', { schema: HIDE }, async (request, reply) => {
    const l = link(request);
    const meta = checkPackageMeta(l.meta);
    if (meta.path.includes(federation.selfId)) {
      throw new HubError(
        'conflict',
        `loop: the package already went through hub ${federation.selfId} (hubs so far: ${[...meta.path, l.peer].join(' → ')})`,
        { path: 'x-lt-link-meta/path', details: { reason: 'loop' } },
      );
    }
    const existing = await federation.findInbound(l.peer, meta.docId);
    if (existing) {
      // a retry of a package this hub already has (the answer to the first attempt was lost)
      request.raw.resume();
      return reply.code(200).send({ docId: existing, duplicate: true });
    }
    const result = await hub.submit({
      principal: { systemId: `hub:${l.peer}`, via: 'hub-link' },
      body: request.raw,
      messageType: meta.messageType,
      ...(meta.messageType === 'edoc' ? { to: meta.recipients } : {}),
      declaredSha256: l.bodySha256,
      requestId: request.id,
      link: { peer: l.peer, remoteDocId: meta.docId, path: meta.path },
    });
    return reply.code(result.duplicate ? 200 : 201).send({ docId: result.docId, duplicate: result.duplicate });
  });

  app.post('/acks', { schema: HIDE }, async (request) => {
    const l = link(request);
    const bytes = await readSmallBody(request.body, ACK_BODY_MAX);
    if (sha256Hex(bytes) !== l.bodySha256) {
      throw new HubError('digest-mismatch', 'the body does not match the signed x-lt-link-body-sha256', {
        path: 'x-lt-link-body-sha256',
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new HubError('bad-request', 'the body is not JSON', { path: 'body' });
    }
    const messages = (parsed as { messages?: unknown } | null)?.messages;
    if (!Array.isArray(messages) || messages.length === 0 || messages.length > 1000) {
      throw new HubError('bad-request', 'messages must be a list of 1 to 1000 acknowledgements', { path: 'messages' });
    }
    return federation.receiveAcks(
      l.peer,
      messages.map((m, i) => checkAck(m, i)),
    );
  });
}

function intParam(v: string, name: string, min: number, max: number): number {
  if (!/^\d{1,16}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new HubError('bad-request', `${name} must be an integer between ${min} and ${max}`, { path: name });
  }
  return Number(v);
}

const ID = /^[\w.:-]{1,100}$/;

interface PackageMeta {
  docId: string;
  messageType: 'edoc' | 'status';
  recipients: string[];
  path: string[];
}

function checkPackageMeta(meta: unknown): PackageMeta {
  const m = meta as Partial<PackageMeta> | undefined;
  const bad = (field: string, why: string): never => {
    throw new HubError('bad-request', `x-lt-link-meta: ${field} ${why}`, { path: `x-lt-link-meta/${field}` });
  };
  if (!m || typeof m !== 'object') return bad('', 'must be a JSON object {docId, messageType, recipients, path}');
  if (typeof m.docId !== 'string' || !ID.test(m.docId)) bad('docId', 'must be the DocId at the sending hub');
  if (m.messageType !== 'edoc' && m.messageType !== 'status') bad('messageType', 'must be edoc or status');
  const codes = (v: unknown, field: string, max: number) => {
    if (!Array.isArray(v) || v.length > max || v.some((c) => typeof c !== 'string' || !ID.test(c))) {
      bad(field, `must be a list of at most ${max} codes`);
    }
  };
  codes(m.recipients, 'recipients', 10_000);
  codes(m.path, 'path', 32);
  return m as PackageMeta;
}

function checkAck(m: unknown, i: number): AckMessage {
  const a = m as Partial<AckMessage> | null;
  const bad = (field: string, why: string): never => {
    throw new HubError('bad-request', `messages[${i}].${field} ${why}`, { path: `messages/${i}/${field}` });
  };
  if (!a || typeof a !== 'object') return bad('', 'must be an object');
  if (typeof a.id !== 'string' || a.id.length === 0 || a.id.length > 100) bad('id', 'must be a message id');
  if (typeof a.docId !== 'string' || !ID.test(a.docId)) bad('docId', 'must be a DocId of this hub');
  if (typeof a.recipient !== 'string' || !ID.test(a.recipient)) bad('recipient', 'must be an agency code');
  if (a.kind !== 'fetched' && a.kind !== 'ack') bad('kind', 'must be fetched or ack');
  if (a.kind === 'ack' && !['done', 'fail', 'processing'].includes(a.state as string)) {
    bad('state', 'must be done, fail or processing');
  }
  if (a.description !== undefined && (typeof a.description !== 'string' || a.description.length > 1000)) {
    bad('description', 'must be a string of at most 1000 characters');
  }
  if (typeof a.at !== 'string' || Number.isNaN(Date.parse(a.at))) bad('at', 'must be an ISO time');
  if (typeof a.hub !== 'string' || !ID.test(a.hub)) bad('hub', 'must be a hub id');
  return a as AckMessage;
}
