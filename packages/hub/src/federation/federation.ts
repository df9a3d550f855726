// Federation: this hub's links to a parent hub and child hubs (docs/protocols/federation.md).
// - directory: each link pulls the peer's versioned directory changes (cursor per link, persisted);
// - intake: a recipient served elsewhere gets a delivery in state `forwarding` and the package ONE
//   outbox row per next-hop link, in the document's transaction (onCommit);
// - forwarders (one per link) deliver the outbox in seq order with retries (link-forwarder.ts);
// - transport acknowledgements of a package that came over a link go back as link messages (onTransport).

import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import type { EdxmlPackage } from '@lienthong/edxml';
import { recordAudit } from '../audit/audit-trail.js';
import type { RoutingPlan } from '../business/routing-plan.js';
import { HubError } from '../core/contract.js';
import type { HubContext } from '../core/hub-context.js';
import type { AgencyRecord, InboundRecord, RemoteAgencyFields, StoreOps } from '../store/store.js';
import { LinkVerifier } from './link-auth.js';
import { linkRequest } from './link-client.js';
import { LinkForwarder } from './link-forwarder.js';
import { type LinkIdentity, loadLinkIdentity, loadPeerKey } from './link-key.js';

export interface LinkPeer {
  hubId: string;
  url: string;
  key: KeyObject;
  role: 'parent' | 'child';
}

/** A transport acknowledgement travelling back over a link. */
export interface AckMessage {
  /** unique: the receiver applies a message once */
  id: string;
  /** the DocId at the receiving hub */
  docId: string;
  recipient: string;
  kind: 'fetched' | 'ack';
  state?: 'done' | 'fail' | 'processing';
  description?: string;
  /** ISO time at the hub where it happened */
  at: string;
  /** the hub where the recipient fetched or acknowledged */
  hub: string;
}

/** One agency on the wire of the directory exchange. */
export interface WireAgency extends RemoteAgencyFields {
  /** the hub that serves it */
  hub: string;
}

export interface LinkView {
  hubId: string;
  role: 'parent' | 'child';
  url: string;
  /** outbox entries waiting to cross this link */
  queueDepth: number;
  oldestWaitingAt?: Date;
  oldestWaitingSeconds?: number;
  dead: number;
  sent: number;
  successes: number;
  failures: number;
  /** failures / (successes + failures) over the link's life */
  errorRate: number;
  lastSuccessAt?: Date;
  lastFailureAt?: Date;
  lastError?: string;
  /** the peer's directory version this hub has applied */
  directoryCursor: number;
}

const DIRECTORY_PAGE = 500;

export class Federation {
  readonly selfId: string;
  readonly peers: ReadonlyMap<string, LinkPeer>;
  readonly verifier: LinkVerifier;
  private readonly forwarders = new Map<string, LinkForwarder>();
  private syncTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private closed = false;
  private lastOnDemand = 0;

  private constructor(
    private readonly ctx: HubContext,
    readonly identity: LinkIdentity,
    peers: LinkPeer[],
  ) {
    this.selfId = ctx.config.hubId;
    this.peers = new Map(peers.map((p) => [p.hubId, p]));
    this.verifier = new LinkVerifier(
      this.selfId,
      new Map(peers.map((p) => [p.hubId, p.key])),
      ctx.config.federation.clockSkewSeconds * 1000,
    );
  }

  /** undefined when the configuration links this hub to no other hub */
  static async open(ctx: HubContext): Promise<Federation | undefined> {
    const f = ctx.config.federation;
    if (!f.parent && f.children.length === 0) return undefined;
    const identity = await loadLinkIdentity(ctx.config);
    const peers: LinkPeer[] = [];
    if (f.parent) peers.push({ ...f.parent, key: await loadPeerKey(f.parent.certificate), role: 'parent' });
    for (const c of f.children) peers.push({ ...c, key: await loadPeerKey(c.certificate), role: 'child' });
    return new Federation(ctx, identity, peers);
  }

  /** starts the forwarders and the periodic directory exchange */
  start(): void {
    for (const p of this.peers.values()) {
      const fw = new LinkForwarder(this.ctx, this, p);
      this.forwarders.set(p.hubId, fw);
      fw.start();
    }
    const every = this.ctx.config.federation.syncIntervalSeconds * 1000;
    const tick = () => {
      if (this.closed) return;
      void this.syncNow().finally(() => {
        if (!this.closed) this.syncTimer = setTimeout(tick, every);
      });
    };
    this.syncTimer = setTimeout(tick, 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.syncTimer) clearTimeout(this.syncTimer);
    await Promise.allSettled([...this.forwarders.values()].map((f) => f.close()));
    await this.syncing?.catch(() => undefined);
  }

  /** wakes the forwarder of each link (after a commit that queued something for it) */
  kick(peers: Iterable<string>): void {
    for (const p of peers) this.forwarders.get(p)?.kick();
  }

  // ---- intake ------------------------------------------------------------------------------------------

  /** A package that came over a link: its sender must be an agency reached through that link. */
  async authorizeLinkSender(ops: StoreOps, peer: string, sender: string): Promise<void> {
    const route = (await ops.getAgencyRoutes([sender])).get(sender);
    if (!route && !(await ops.getAgency(sender))) {
      // an agency the peer added after this hub's last directory pull: pull now; the peer retries
      if (this.pullOnDemand()) void this.syncNow();
      throw new HubError(
        'unavailable',
        `From/OrganId ${sender} is not in hub ${this.selfId}'s directory yet; retry after the next directory exchange`,
        { path: 'From/OrganId' },
      );
    }
    if (!route || route.via !== peer) {
      throw new HubError(
        'forbidden',
        `From/OrganId ${sender} is not an agency reached through hub ${peer}${route ? ` (it is reached through ${route.via})` : ' (not in this hub\u2019s directory as a remote agency)'}`,
        { path: 'From/OrganId' },
      );
    }
  }

  /**
   * In the package's commit transaction: remote recipients' deliveries become `forwarding`, one outbox
   * row per next-hop link carries the package to all the recipients behind it, and a package that came
   * over a link remembers where from. Refuses (rolling back) a package that would visit a hub twice.
   * Returns the links that got something to send.
   */
  async onCommit(
    tx: StoreOps,
    c: { docId: string; pkg: EdxmlPackage; plan: RoutingPlan; actor: string; at: Date; link?: InboundRecord },
  ): Promise<string[]> {
    const { docId, plan, at, link } = c;
    if (link) {
      const traces = c.pkg.kind === 'document' ? c.pkg.traces.map((t) => t.organId) : [];
      if (link.path.includes(this.selfId) || traces.includes(this.selfId)) {
        throw loopError(this.selfId, link.path, traces);
      }
    }
    const routes = await tx.getAgencyRoutes(plan.recipients);
    const byPeer = new Map<string, string[]>();
    for (const r of plan.recipients) {
      const route = routes.get(r);
      if (!route) continue;
      if (link && (route.via === link.peer || [...link.path].includes(route.servedBy))) {
        // it would go back where it came from: a loop (directories out of step, or a misconfiguration)
        throw loopError(this.selfId, [...link.path, link.peer], [], `recipient ${r} is reached through ${route.via}`);
      }
      if (!this.peers.has(route.via)) {
        throw new HubError(
          'unknown-recipient',
          `recipient ${r} is served by hub ${route.servedBy} through ${route.via}, which is not linked to this hub`,
          {
            path: 'To/OrganId',
          },
        );
      }
      const list = byPeer.get(route.via) ?? [];
      list.push(r);
      byPeer.set(route.via, list);
      await tx.updateDelivery(docId, r, {
        state: 'forwarding',
        stateDescription: `to hub ${route.servedBy} through ${route.via}`,
        updatedAt: at,
      });
    }
    if (byPeer.size > 0) {
      await tx.enqueueOutbox(
        [...byPeer].map(([peer, recipients]) => ({ peer, kind: 'package' as const, docId, recipients })),
        at,
      );
      await tx.insertEvents(
        [...byPeer].flatMap(([peer, recipients]) =>
          recipients.map((recipient) => ({
            docId,
            recipient,
            at,
            kind: 'forwarding',
            actor: this.selfId,
            detail: `queued towards hub ${peer} (served by ${routes.get(recipient)!.servedBy})`,
          })),
        ),
      );
    }
    if (link) await tx.insertInbound(docId, link);
    return [...byPeer.keys()];
  }

  /**
   * In the transaction of a local fetch or acknowledgement: when the package came over a link, the
   * acknowledgement goes back over it (outbox, in order with everything else on that link).
   */
  async onTransport(
    tx: StoreOps,
    docId: string,
    recipients: string[],
    ev: { kind: 'fetched' | 'ack'; state?: 'done' | 'fail' | 'processing'; description?: string; at: Date },
    hub: string = this.selfId,
  ): Promise<string | undefined> {
    if (recipients.length === 0) return undefined;
    const inbound = await tx.getInbound(docId);
    if (!inbound) return undefined;
    const messages: AckMessage[] = recipients.map((recipient) => ({
      id: randomUUID(),
      docId: inbound.remoteDocId,
      recipient,
      kind: ev.kind,
      ...(ev.state ? { state: ev.state } : {}),
      ...(ev.description !== undefined ? { description: ev.description } : {}),
      at: ev.at.toISOString(),
      hub,
    }));
    await tx.enqueueOutbox(
      messages.map((m) => ({ peer: inbound.peer, kind: 'ack' as const, docId, recipients: [m.recipient], payload: m })),
      ev.at,
    );
    return inbound.peer;
  }

  /** Applies acknowledgements a peer sent back about packages this hub forwarded to it. */
  async receiveAcks(peer: string, messages: AckMessage[]): Promise<{ applied: number; duplicates: number }> {
    let applied = 0;
    let duplicates = 0;
    const kicks = new Set<string>();
    for (const m of messages) {
      const outcome = await this.ctx.store.transaction(async (tx) => {
        const [d] = await tx.getDeliveriesTo(m.docId, [m.recipient]);
        if (!d) {
          throw new HubError('not-found', `no delivery of ${m.docId} to ${m.recipient} at hub ${this.selfId}`, {
            path: 'docId',
          });
        }
        const route = (await tx.getAgencyRoutes([m.recipient])).get(m.recipient);
        if (!route || route.via !== peer) {
          throw new HubError('forbidden', `${m.recipient} is not reached through hub ${peer}`, { path: 'recipient' });
        }
        if (!(await tx.markLinkMessageSeen(peer, m.id, new Date()))) return 'duplicate' as const;
        const at = new Date(m.at);
        const actor = `hub:${m.hub}`;
        if (m.kind === 'fetched') {
          await tx.markFetched(m.docId, [m.recipient], at);
          if (d.state === 'forwarding') {
            await tx.updateDelivery(m.docId, m.recipient, { state: 'pending', updatedAt: new Date() });
          }
          await tx.insertEvents([
            { docId: m.docId, recipient: m.recipient, at, kind: 'fetched', actor, detail: `at hub ${m.hub}` },
          ]);
        } else {
          const state = m.state ?? 'done';
          if (d.state !== 'withdrawn' && d.state !== 'done') {
            await tx.updateDelivery(m.docId, m.recipient, {
              state,
              stateDescription: m.description ?? null,
              updatedAt: new Date(),
            });
          }
          await tx.insertEvents([
            { docId: m.docId, recipient: m.recipient, at, kind: `ack-${state}`, actor, detail: m.description },
          ]);
        }
        const back = await this.onTransport(
          tx,
          m.docId,
          [m.recipient],
          {
            kind: m.kind,
            ...(m.state ? { state: m.state } : {}),
            ...(m.description !== undefined ? { description: m.description } : {}),
            at,
          },
          m.hub,
        );
        if (back) kicks.add(back);
        return 'applied' as const;
      });
      if (outcome === 'applied') applied++;
      else duplicates++;
    }
    this.kick(kicks);
    return { applied, duplicates };
  }

  /** the DocId here of a package `peer` forwarded as its `remoteDocId`, if it arrived already */
  findInbound(peer: string, remoteDocId: string): Promise<string | undefined> {
    return this.ctx.store.findInbound(peer, remoteDocId);
  }

  // ---- directory ---------------------------------------------------------------------------------------

  /** What `peer` may learn from this hub's directory after `since`: all but what it told us itself. */
  async serveDirectory(
    peer: string,
    since: number,
    limit = DIRECTORY_PAGE,
  ): Promise<{ through: number; more: boolean; agencies: WireAgency[] }> {
    const changes = await this.ctx.store.listDirectoryChanges(since, peer, limit);
    const agencies = changes.map(({ agency, route }) => toWire(agency, route?.servedBy ?? this.selfId));
    const through = changes.length > 0 ? changes.at(-1)!.agency.version : since;
    return { through, more: changes.length === limit, agencies };
  }

  /**
   * An intake met an unknown recipient: true (and a pull should follow) at most once every 5 seconds, so
   * unknown codes cannot make this hub hammer its links.
   */
  pullOnDemand(now = Date.now()): boolean {
    if (this.closed || now - this.lastOnDemand < 5000) return false;
    this.lastOnDemand = now;
    return true;
  }

  /** Pulls every link's directory changes now (also run every federation.syncIntervalSeconds). */
  syncNow(): Promise<void> {
    if (this.syncing) return this.syncing;
    this.syncing = (async () => {
      for (const p of this.peers.values()) {
        try {
          await this.pullDirectory(p);
        } catch (err) {
          this.ctx.logger.warn({ peer: p.hubId, err: (err as Error).message }, 'federation: directory pull failed');
        }
      }
    })().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  async pullDirectory(p: LinkPeer): Promise<number> {
    let changed = 0;
    for (let page = 0; page < 10_000 && !this.closed; page++) {
      const since = await this.ctx.store.getFederationCursor(p.hubId);
      const answer = await linkRequest({
        baseUrl: p.url,
        from: this.selfId,
        to: p.hubId,
        key: this.identity.privateKey,
        method: 'GET',
        path: `/federation/v1/directory?since=${since}&limit=${DIRECTORY_PAGE}`,
        bodySha256: EMPTY,
        timeoutMs: 30_000,
        peerKey: p.key,
      });
      if (answer.status !== 200) {
        throw new Error(`hub ${p.hubId} answered ${answer.status} to a directory pull: ${answer.text.slice(0, 300)}`);
      }
      const body = answer.body as { through: number; more: boolean; agencies: WireAgency[] };
      if (!body || !Number.isSafeInteger(body.through) || !Array.isArray(body.agencies)) {
        throw new Error(`hub ${p.hubId} answered a directory pull with something that is not a directory page`);
      }
      const now = new Date();
      changed += await this.ctx.store.transaction(async (tx) => {
        let n = 0;
        for (const a of body.agencies) {
          const checked = checkWireAgency(a);
          if (checked.hub === this.selfId) continue;
          const outcome = await tx.upsertRemoteAgency(
            {
              code: checked.code,
              parentCode: checked.parentCode,
              name: checked.name,
              level: checked.level,
              email: checked.email,
              phone: checked.phone,
              fax: checked.fax,
              enabled: checked.enabled,
              deleted: checked.deleted,
              servedBy: checked.hub,
              via: p.hubId,
            },
            now,
          );
          if (outcome === 'local') {
            this.ctx.logger.warn(
              { peer: p.hubId, code: checked.code, claimedBy: checked.hub },
              'federation: a linked hub claims an agency this hub serves; kept as this hub\u2019s',
            );
          } else if (outcome !== 'unchanged') n++;
        }
        await tx.setFederationCursor(p.hubId, body.through, now);
        return n;
      });
      if (!body.more) break;
    }
    return changed;
  }

  // ---- operators ---------------------------------------------------------------------------------------

  async links(now = new Date()): Promise<LinkView[]> {
    return linkViews(this.ctx.store, [...this.peers.values()], now);
  }

  /** records a dead outbox row: events on its deliveries, the deliveries failed, an audit entry */
  async markDead(
    tx: StoreOps,
    row: { seq: number; peer: string; kind: string; docId?: string; recipients?: string[] },
    error: string,
  ): Promise<void> {
    const at = new Date();
    await tx.updateOutbox(row.seq, { state: 'dead', lastError: error, doneAt: at });
    if (row.kind === 'package' && row.docId) {
      for (const r of row.recipients ?? []) {
        const [d] = await tx.getDeliveriesTo(row.docId, [r]);
        if (d?.state === 'forwarding') {
          await tx.updateDelivery(row.docId, r, {
            state: 'fail',
            stateDescription: `hub ${row.peer} refused it: ${error}`.slice(0, 1000),
            updatedAt: at,
          });
        }
      }
      await tx.insertEvents(
        (row.recipients ?? []).map((recipient) => ({
          docId: row.docId!,
          recipient,
          at,
          kind: 'forward-failed',
          actor: this.selfId,
          detail: `hub ${row.peer}: ${error}`.slice(0, 1000),
        })),
      );
    }
    await recordAudit(tx, {
      actor: this.selfId,
      action: 'federation-dead',
      subject: row.docId,
      outcome: 'refused',
      reason: error.slice(0, 1000),
      at,
      details: { peer: row.peer, seq: row.seq, kind: row.kind, recipients: row.recipients },
    });
  }
}

export async function linkViews(
  store: StoreOps,
  peers: Array<{ hubId: string; role: 'parent' | 'child'; url: string }>,
  now = new Date(),
): Promise<LinkView[]> {
  const [summary, stats] = await Promise.all([store.outboxSummary(), store.listLinkStats()]);
  const out: LinkView[] = [];
  for (const p of peers) {
    const s = summary.find((r) => r.peer === p.hubId);
    const st = stats.find((r) => r.peer === p.hubId);
    const successes = st?.successes ?? 0;
    const failures = st?.failures ?? 0;
    out.push({
      hubId: p.hubId,
      role: p.role,
      url: p.url,
      queueDepth: s?.waiting ?? 0,
      ...(s?.oldestWaitingAt
        ? {
            oldestWaitingAt: s.oldestWaitingAt,
            oldestWaitingSeconds: Math.max(0, (now.getTime() - s.oldestWaitingAt.getTime()) / 1000),
          }
        : {}),
      dead: s?.dead ?? 0,
      sent: s?.sent ?? 0,
      successes,
      failures,
      errorRate: successes + failures === 0 ? 0 : failures / (successes + failures),
      ...(st?.lastSuccessAt ? { lastSuccessAt: st.lastSuccessAt } : {}),
      ...(st?.lastFailureAt ? { lastFailureAt: st.lastFailureAt } : {}),
      ...(st?.lastError ? { lastError: st.lastError } : {}),
      directoryCursor: await store.getFederationCursor(p.hubId),
    });
  }
  return out;
}

const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function loopError(selfId: string, path: string[], traces: string[], why?: string): HubError {
  return new HubError(
    'conflict',
    `loop: the package would visit hub ${selfId} twice (hubs so far: ${[...path, ...traces].join(' → ') || 'none'})${why ? `; ${why}` : ''}`,
    { path: 'TraceHeaderList', details: { reason: 'loop', path, traces } },
  );
}

function toWire(a: AgencyRecord, hub: string): WireAgency {
  return {
    code: a.code,
    ...(a.parentCode ? { parentCode: a.parentCode } : {}),
    name: a.name,
    level: a.level,
    ...(a.email ? { email: a.email } : {}),
    ...(a.phone ? { phone: a.phone } : {}),
    ...(a.fax ? { fax: a.fax } : {}),
    enabled: a.enabled,
    deleted: a.deleted,
    hub,
  };
}

const CODE = /^[\w.:-]{1,100}$/;

function checkWireAgency(a: unknown): WireAgency {
  const o = a as Partial<WireAgency> | null;
  const str = (v: unknown, max: number) => typeof v === 'string' && v.length <= max;
  const opt = (v: unknown, max: number) => v === undefined || str(v, max);
  if (
    !o ||
    typeof o !== 'object' ||
    !str(o.code, 100) ||
    !CODE.test(o.code!) ||
    !str(o.name, 1000) ||
    !Number.isInteger(o.level) ||
    typeof o.enabled !== 'boolean' ||
    typeof o.deleted !== 'boolean' ||
    !str(o.hub, 100) ||
    !CODE.test(o.hub!) ||
    !opt(o.parentCode, 100) ||
    !opt(o.email, 1000) ||
    !opt(o.phone, 1000) ||
    !opt(o.fax, 1000)
  ) {
    throw new Error(`a linked hub sent a malformed directory entry: ${JSON.stringify(a).slice(0, 200)}`);
  }
  return o as WireAgency;
}
