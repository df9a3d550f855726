// The operator console's server side: the dashboard's figures (from the pre-aggregated statistics),
// directory management (register, edit, disable, credentials, certificates, health), and document
// search and trace. Every method takes the operator (`OpsActor`): a provincial operator sees and
// manages only the agencies of its province, an auditor only reads.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAgencyCode } from '@lienthong/edxml';
import { issueAgencyCerts, privateKeyPem } from '@lienthong/trust';
import { recordAudit } from '../../audit/audit-trail.js';
import {
  type Agency,
  type AgencyInput,
  type AttachmentStream,
  type DeliveryState,
  HubError,
  type IssuedCredentials,
  type Principal,
  type SignaturePolicy,
  type Timeline,
} from '../../core/contract.js';
import type { HubContext } from '../../core/hub-context.js';
import { openAttachment } from '../../delivery/open-package.js';
import { timeline } from '../../delivery/timeline.js';
import type { LinkView } from '../../federation/federation.js';
import { foldText, vietnamDay } from '../../store/sql/stats-queries.js';
import type { ConsoleRole, DocumentRecord, StatsQuery } from '../../store/store.js';
import { AgencyActivity, type AgencyErrors } from './agency-activity.js';
import { LiveThroughput } from './live-throughput.js';
import { StatsAggregator } from './stats-aggregator.js';

export type { ConsoleRole } from '../auth/require-console.js';

/** the level-1 part (`H53`) of a province's agency code (`000.00.00.H53`) */
export function provinceOf(agencyCode: string): string | undefined {
  return parseAgencyCode(agencyCode)?.levels[0];
}

/** The signed-in operator, as the console's session names them. */
export interface OpsActor {
  username: string;
  role: ConsoleRole;
  /** provincial operators: the level-1 part of their province's codes (e.g. `H53`) */
  province?: string;
}

export type PeriodPreset = 'today' | '7d' | '30d' | 'month' | 'year';

export interface DashboardFilter {
  from?: string;
  to?: string;
  preset?: PeriodPreset;
  hub?: string;
  level?: number;
  agency?: string;
}

export interface AgencyFigure {
  code: string;
  name: string;
  count: number;
}

export interface Dashboard {
  period: { from: string; to: string; bucket: 'day' | 'month' };
  generatedAt: Date;
  /** packages accepted but not yet folded into the statistics (normally 0: the aggregator runs every 500 ms) */
  lag: number;
  hubId: string;
  kpis: {
    agencies: number;
    connected: number;
    sent: number;
    received: number;
    /** agencies that sent at least one document with a valid XML signature in the period */
    signingAgencies: number;
    /** agencies that returned five distinct status codes or more (all time) */
    fiveStatusesOrMore: number;
    overdueAcks: number;
  };
  agenciesByLevel: Array<{ level: number; agencies: number; connected: number }>;
  agenciesByHub: Array<{ hub: string; agencies: number; connected: number }>;
  series: { buckets: string[]; byLevel: Array<{ level: number; sent: number[]; received: number[] }> };
  signatures: Array<{ code: string; name: string; sent: number; signed: number; share: number }>;
  statuses: {
    perAgency: Array<{ code: string; name: string; codes: string[] }>;
    fewerThanFive: Array<{ code: string; name: string; distinct: number }>;
  };
  overdue: { deadlineHours: number; total: number; byRecipient: Array<AgencyFigure & { oldest: Date }> };
  top: { senders: AgencyFigure[]; receivers: AgencyFigure[] };
  live: { perSecond: number[]; lastMinute: number };
  /** this hub's federation links: queue depth, oldest waiting, last success, error rate (federation/) */
  links: LinkView[];
  /** webhook notifications given up after the horizon, and those still being tried (delivery/webhooks/) */
  deadLetters: { count: number; pending: number };
}

export interface AgencyHealth {
  code: string;
  lastSeen?: Date;
  pending: { edoc: number; status: number };
  overdue: number;
  errors: AgencyErrors;
}

export interface DocumentSearchInput {
  q?: string;
  number?: string;
  notation?: string;
  subject?: string;
  sender?: string;
  recipient?: string;
  state?: DeliveryState;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export interface DocumentHit {
  docId: string;
  codeNumber?: string;
  codeNotation?: string;
  subject?: string;
  sender: string;
  senderName?: string;
  acceptedAt: Date;
  recipients: Array<{ code: string; state: DeliveryState; lastStatus?: string }>;
}

const DAY_MS = 24 * 3600 * 1000;
const VN_MS = 7 * 3600 * 1000;
const WRITERS: readonly ConsoleRole[] = ['national_operator', 'provincial_operator'];

export class OpsConsole {
  readonly aggregator: StatsAggregator;
  readonly activity: AgencyActivity;
  private readonly live: LiveThroughput;

  constructor(private readonly ctx: HubContext) {
    this.aggregator = new StatsAggregator(ctx.store, ctx.logger, { intervalMs: ctx.config.ops.statsIntervalMs });
    this.activity = new AgencyActivity(ctx.store, ctx.logger);
    this.live = new LiveThroughput(async () => (await ctx.store.statsProgress()).head);
  }

  start(): void {
    this.aggregator.start();
    this.activity.start();
    this.live.start();
  }

  async close(): Promise<void> {
    this.live.stop();
    await this.aggregator.stop();
    await this.activity.close();
  }

  // ---- scope ----

  /** the agencies this operator may see, or undefined: all */
  private inScope(actor: OpsActor, code: string): boolean {
    if (actor.role !== 'provincial_operator') return true;
    if (!actor.province) return false;
    return provinceOf(code) === actor.province;
  }

  private checkWriter(actor: OpsActor): void {
    if (!WRITERS.includes(actor.role)) {
      throw new HubError('forbidden', `role ${actor.role} may only read: this action needs an operator`);
    }
  }

  private async visibleAgencies(actor: OpsActor): Promise<Agency[]> {
    const all = await this.ctx.directory.listAgencies({ includeDisabled: true });
    return all.filter((a) => this.inScope(actor, a.code));
  }

  private async agencyInScope(actor: OpsActor, code: string): Promise<Agency> {
    const agency = await this.ctx.directory.getAgency(code);
    if (!agency || agency.deleted || !this.inScope(actor, code)) {
      throw new HubError(
        'not-found',
        `agency ${code} is not registered${this.inScope(actor, code) ? '' : ' in your province'}`,
        {
          path: 'code',
        },
      );
    }
    return agency;
  }

  // ---- dashboard ----

  async dashboard(actor: OpsActor, filter: DashboardFilter, now = new Date()): Promise<Dashboard> {
    const webhookQueue = await this.ctx.store.webhookQueueStats(now);
    const period = resolvePeriod(filter, now);
    const hubId = this.ctx.config.hubId;
    let agencies = (await this.visibleAgencies(actor)).filter((a) => !a.deleted);
    if (filter.hub !== undefined && filter.hub !== hubId) agencies = [];
    if (filter.level !== undefined) agencies = agencies.filter((a) => a.level === filter.level);
    if (filter.agency !== undefined) agencies = agencies.filter((a) => a.code === filter.agency);
    const codes = agencies.map((a) => a.code);
    const names = new Map(agencies.map((a) => [a.code, a.name]));
    const narrowed =
      actor.role === 'provincial_operator' ||
      filter.hub !== undefined ||
      filter.level !== undefined ||
      filter.agency !== undefined;
    const q: StatsQuery = {
      fromDay: period.fromDay,
      toDay: period.toDay,
      messageType: 'edoc',
      ...(narrowed ? { agencies: codes } : {}),
    };
    const deadlineHours = this.ctx.config.ops.ackDeadlineHours;
    const [series, byAgency, statusRows, lastSeen, overdue, progress] = await Promise.all([
      this.ctx.store.statsSeries(q, period.bucket),
      this.ctx.store.statsByAgency(q),
      this.ctx.store.statsStatusCodes(narrowed ? codes : undefined),
      this.ctx.store.agenciesLastSeen(narrowed ? codes : undefined),
      this.ctx.store.overdueDeliveries({
        before: new Date(now.getTime() - deadlineHours * 3600 * 1000),
        messageType: 'edoc',
        limit: 10,
        ...(narrowed ? { recipients: codes } : {}),
      }),
      this.ctx.store.statsProgress(),
    ]);
    for (const [code, ms] of this.activity.pending()) {
      if ((lastSeen.get(code)?.getTime() ?? 0) < ms) lastSeen.set(code, new Date(ms));
    }
    const connected = (code: string) => {
      const at = lastSeen.get(code)?.getTime();
      return at !== undefined && at >= period.fromMs && at < period.toMs;
    };
    const byLevel = new Map<number, { level: number; agencies: number; connected: number }>();
    for (const a of agencies) {
      const row = byLevel.get(a.level) ?? { level: a.level, agencies: 0, connected: 0 };
      row.agencies++;
      if (connected(a.code)) row.connected++;
      byLevel.set(a.level, row);
    }
    const connectedCount = agencies.filter((a) => connected(a.code)).length;

    const buckets = bucketLabels(period);
    const index = new Map(buckets.map((b, i) => [b.key, i]));
    const levels = new Map<number, { level: number; sent: number[]; received: number[] }>();
    for (const r of series) {
      let l = levels.get(r.level);
      if (!l) {
        l = { level: r.level, sent: new Array(buckets.length).fill(0), received: new Array(buckets.length).fill(0) };
        levels.set(r.level, l);
      }
      const i = index.get(r.bucket);
      if (i !== undefined) l[r.direction][i] = (l[r.direction][i] ?? 0) + r.count;
    }

    const inList = (code: string) => !narrowed || names.has(code);
    const agencyRows = byAgency.filter((r) => inList(r.agencyCode));
    const nameOf = (code: string) => names.get(code) ?? code;
    const top = (key: 'sent' | 'received') =>
      agencyRows
        .filter((r) => r[key] > 0)
        .sort((a, b) => b[key] - a[key] || (a.agencyCode < b.agencyCode ? -1 : 1))
        .slice(0, 10)
        .map((r) => ({ code: r.agencyCode, name: nameOf(r.agencyCode), count: r[key] }));

    const codesByAgency = new Map<string, string[]>();
    for (const s of statusRows) {
      if (!inList(s.agencyCode)) continue;
      codesByAgency.set(s.agencyCode, [...(codesByAgency.get(s.agencyCode) ?? []), s.statusCode]);
    }
    const receivers = agencies.filter((a) => !a.isTenant && a.enabled);
    const fewerThanFive = receivers
      .map((a) => ({ code: a.code, name: a.name, distinct: codesByAgency.get(a.code)?.length ?? 0 }))
      .filter((r) => r.distinct < 5)
      .sort((a, b) => a.distinct - b.distinct || (a.code < b.code ? -1 : 1));

    const perSecond = this.live.perSecond();
    return {
      period: { from: period.from, to: period.to, bucket: period.bucket },
      generatedAt: now,
      lag: Math.max(0, progress.head - progress.cursor),
      hubId,
      kpis: {
        agencies: agencies.length,
        connected: connectedCount,
        sent: agencyRows.reduce((s, r) => s + r.sent, 0),
        received: agencyRows.reduce((s, r) => s + r.received, 0),
        signingAgencies: agencyRows.filter((r) => r.sentSigned > 0).length,
        fiveStatusesOrMore: [...codesByAgency.values()].filter((c) => c.length >= 5).length,
        overdueAcks: overdue.total,
      },
      agenciesByLevel: [...byLevel.values()].sort((a, b) => a.level - b.level),
      agenciesByHub: agencies.length ? [{ hub: hubId, agencies: agencies.length, connected: connectedCount }] : [],
      series: { buckets: buckets.map((b) => b.label), byLevel: [...levels.values()].sort((a, b) => a.level - b.level) },
      signatures: agencyRows
        .filter((r) => r.sent > 0)
        .map((r) => ({
          code: r.agencyCode,
          name: nameOf(r.agencyCode),
          sent: r.sent,
          signed: r.sentSigned,
          share: Math.round((r.sentSigned / r.sent) * 1000) / 1000,
        }))
        .sort((a, b) => b.share - a.share || (a.code < b.code ? -1 : 1)),
      statuses: {
        perAgency: [...codesByAgency].map(([code, list]) => ({ code, name: nameOf(code), codes: list })),
        fewerThanFive,
      },
      overdue: {
        deadlineHours,
        total: overdue.total,
        byRecipient: overdue.byRecipient.map((r) => ({
          code: r.recipient,
          name: nameOf(r.recipient),
          count: r.count,
          oldest: r.oldest,
        })),
      },
      top: { senders: top('sent'), receivers: top('received') },
      live: { perSecond, lastMinute: perSecond.reduce((s, n) => s + n, 0) },
      links: this.ctx.federation ? await this.ctx.federation.links(now) : [],
      deadLetters: { count: webhookQueue.dead, pending: webhookQueue.pending },
    };
  }

  // ---- directory management ----

  async listAgencies(
    actor: OpsActor,
    q: { search?: string; level?: number; enabled?: boolean } = {},
  ): Promise<Array<Agency & { lastSeen?: Date }>> {
    let list = (await this.visibleAgencies(actor)).filter((a) => !a.deleted);
    if (q.level !== undefined) list = list.filter((a) => a.level === q.level);
    if (q.enabled !== undefined) list = list.filter((a) => a.enabled === q.enabled);
    if (q.search) {
      const needle = foldText(q.search);
      list = list.filter((a) => a.code.toLowerCase().includes(needle) || foldText(a.name).includes(needle));
    }
    const seen = await this.ctx.store.agenciesLastSeen(list.map((a) => a.code));
    for (const [code, ms] of this.activity.pending()) {
      if (seen.has(code) || list.some((a) => a.code === code)) {
        if ((seen.get(code)?.getTime() ?? 0) < ms) seen.set(code, new Date(ms));
      }
    }
    return list.map((a) => ({ ...a, ...(seen.has(a.code) ? { lastSeen: seen.get(a.code) } : {}) }));
  }

  async getAgency(actor: OpsActor, code: string): Promise<Agency> {
    return this.agencyInScope(actor, code);
  }

  async addAgency(actor: OpsActor, input: AgencyInput): Promise<{ agency: Agency; credentials: IssuedCredentials }> {
    this.checkWriter(actor);
    if (!this.inScope(actor, input.code)) {
      throw new HubError('forbidden', `agency ${input.code} is outside your province (${actor.province ?? 'none'})`, {
        path: 'code',
      });
    }
    return this.ctx.directory.addAgency(input, auditActor(actor));
  }

  async editAgency(
    actor: OpsActor,
    code: string,
    patch: {
      name?: string;
      email?: string | null;
      phone?: string | null;
      fax?: string | null;
      signaturePolicy?: SignaturePolicy | null;
    },
  ): Promise<Agency> {
    this.checkWriter(actor);
    await this.agencyInScope(actor, code);
    if (patch.name !== undefined && patch.name.trim() === '') {
      throw new HubError('bad-request', 'name must not be empty', { path: 'name' });
    }
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    if (Object.keys(changes).length === 0)
      throw new HubError('bad-request', 'nothing to change: give name, email, phone, fax or signaturePolicy');
    await this.ctx.store.transaction(async (tx) => {
      const now = new Date();
      await tx.updateAgency(
        code,
        {
          ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
          ...(patch.email !== undefined ? { email: patch.email ?? undefined } : {}),
          ...(patch.phone !== undefined ? { phone: patch.phone ?? undefined } : {}),
          ...(patch.fax !== undefined ? { fax: patch.fax ?? undefined } : {}),
          ...(patch.signaturePolicy !== undefined ? { signaturePolicy: patch.signaturePolicy } : {}),
        },
        now,
      );
      await recordAudit(tx, {
        actor: auditActor(actor),
        action: 'agency-edit',
        subject: code,
        details: changes,
        at: now,
      });
    });
    return this.agencyInScope(actor, code);
  }

  async setEnabled(actor: OpsActor, code: string, enabled: boolean): Promise<Agency> {
    this.checkWriter(actor);
    await this.agencyInScope(actor, code);
    return this.ctx.directory.setAgencyEnabled(code, enabled, auditActor(actor));
  }

  async rotateCredentials(actor: OpsActor, code: string): Promise<IssuedCredentials> {
    this.checkWriter(actor);
    await this.agencyInScope(actor, code);
    return this.ctx.directory.rotateCredentials(code, auditActor(actor));
  }

  /** a signing certificate from the hub's CA, with a fresh key: both shown once, the key never kept by the hub */
  async issueCertificate(
    actor: OpsActor,
    code: string,
    opts: { validityDays?: number } = {},
  ): Promise<{ certificate: string; privateKey: string; serialNumber: string; notAfter: string }> {
    this.checkWriter(actor);
    const agency = await this.agencyInScope(actor, code);
    const caDir = this.ctx.pki.devCaDir;
    if (!caDir) {
      throw new HubError(
        'conflict',
        "this hub has no certificate authority of its own (trust.devCa is off): the government CA issues agencies' certificates",
      );
    }
    const [issued] = await issueAgencyCerts(caDir, [
      {
        agencyCode: code,
        name: agency.name,
        keyType: 'ec-p256',
        ...(opts.validityDays ? { validityDays: opts.validityDays } : {}),
      },
    ]);
    if (!issued) throw new Error('the CA issued nothing');
    // the CA keeps its own copy of what it issued (key file included) for revocation; the console shows it once
    const intermediate = await readFile(join(caDir, 'intermediate.pem'), 'utf8');
    await recordAudit(this.ctx.store, {
      actor: auditActor(actor),
      action: 'certificate-issue',
      subject: code,
      details: { serialNumber: issued.record.serialNumber, notAfter: issued.record.notAfter },
    });
    return {
      certificate: issued.certificate.toString() + intermediate,
      privateKey: privateKeyPem(issued.privateKey),
      serialNumber: issued.record.serialNumber,
      notAfter: issued.record.notAfter,
    };
  }

  async agencyHealth(actor: OpsActor, code: string, now = new Date()): Promise<AgencyHealth> {
    await this.agencyInScope(actor, code);
    const [seen, edoc, status, overdue] = await Promise.all([
      this.ctx.store.agenciesLastSeen([code]),
      this.ctx.store.countDeliveries({ recipients: [code], messageType: 'edoc', states: ['pending'] }),
      this.ctx.store.countDeliveries({ recipients: [code], messageType: 'status', states: ['pending'] }),
      this.ctx.store.overdueDeliveries({
        before: new Date(now.getTime() - this.ctx.config.ops.ackDeadlineHours * 3600 * 1000),
        recipients: [code],
        limit: 1,
      }),
    ]);
    const pendingSeen = this.activity.pending().get(code);
    const stored = seen.get(code)?.getTime();
    const last = Math.max(stored ?? 0, pendingSeen ?? 0);
    return {
      code,
      ...(last > 0 ? { lastSeen: new Date(last) } : {}),
      pending: { edoc, status },
      overdue: overdue.total,
      errors: this.activity.errorsOf(code),
    };
  }

  // ---- documents ----

  async searchDocuments(
    actor: OpsActor,
    input: DocumentSearchInput,
  ): Promise<{ items: DocumentHit[]; nextCursor?: string }> {
    const limit = Math.min(Math.max(input.limit ?? 25, 1), 100);
    let number = input.number;
    let notation = input.notation;
    let subject = input.subject;
    if (input.q?.trim()) {
      const q = input.q.trim();
      const m = /^(\d+)\s*\/\s*(\S+)$/.exec(q);
      if (m) {
        number = m[1];
        notation = m[2];
      } else if (/^\d+$/.test(q)) number = q;
      else subject = q;
    }
    const beforeSeq = input.cursor === undefined ? undefined : parseCursor(input.cursor);
    const scope =
      actor.role === 'provincial_operator' ? (await this.visibleAgencies(actor)).map((a) => a.code) : undefined;
    const docs = await this.ctx.store.searchDocuments({
      ...(number !== undefined ? { codeNumber: number } : {}),
      ...(notation !== undefined ? { codeNotation: notation } : {}),
      ...(subject !== undefined && subject.trim() !== '' ? { subject } : {}),
      ...(input.sender ? { sender: input.sender } : {}),
      ...(input.recipient ? { recipient: input.recipient } : {}),
      ...(input.state ? { state: input.state } : {}),
      ...(input.from ? { from: dayStart(input.from, 'from') } : {}),
      ...(input.to ? { to: new Date(dayStart(input.to, 'to').getTime() + DAY_MS) } : {}),
      ...(scope ? { scope } : {}),
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
      limit: limit + 1,
    });
    const page = docs.slice(0, limit);
    const senders = await this.ctx.store.getAgencies([...new Set(page.map((d) => d.sender))]);
    const names = new Map(senders.map((a) => [a.code, a.name]));
    const items = await Promise.all(page.map(async (d) => this.hit(d, names)));
    const last = page.at(-1);
    return { items, ...(docs.length > limit && last ? { nextCursor: String(last.seq) } : {}) };
  }

  private async hit(d: DocumentRecord, names: Map<string, string>): Promise<DocumentHit> {
    const deliveries = await this.ctx.store.getDeliveries(d.docId);
    return {
      docId: d.docId,
      ...(d.codeNumber ? { codeNumber: d.codeNumber } : {}),
      ...(d.codeNotation ? { codeNotation: d.codeNotation } : {}),
      ...(d.subject ? { subject: d.subject } : {}),
      sender: d.sender,
      ...(names.has(d.sender) ? { senderName: names.get(d.sender) } : {}),
      acceptedAt: d.acceptedAt,
      recipients: deliveries.map((r) => ({
        code: r.recipient,
        state: r.state,
        ...(r.lastStatus ? { lastStatus: r.lastStatus } : {}),
      })),
    };
  }

  private async documentInScope(actor: OpsActor, docId: string): Promise<void> {
    if (!/^[0-9a-f]{24}$/.test(docId))
      throw new HubError('bad-request', `docId must be 24 hex digits, not "${docId}"`, { path: 'docId' });
    const doc = await this.ctx.store.getDocument(docId);
    if (!doc) throw new HubError('not-found', `no document ${docId}`, { path: 'docId' });
    if (actor.role !== 'provincial_operator') return;
    if (this.inScope(actor, doc.sender)) return;
    const deliveries = await this.ctx.store.getDeliveries(docId);
    if (!deliveries.some((d) => this.inScope(actor, d.recipient)))
      throw new HubError('not-found', `no document ${docId} in your province`, { path: 'docId' });
  }

  private principal(actor: OpsActor): Principal {
    return { systemId: `console:${actor.username}`, via: 'admin' };
  }

  /** metadata, attachments with their signatures, the XML-signature verdict and every recipient's timeline */
  async trace(actor: OpsActor, docId: string): Promise<Timeline & { senderName?: string }> {
    await this.documentInScope(actor, docId);
    const t = await timeline(this.ctx, this.principal(actor), docId);
    const sender = await this.ctx.directory.getAgency(t.sender);
    return { ...t, ...(sender ? { senderName: sender.name } : {}) };
  }

  async openAttachment(actor: OpsActor, docId: string, index: number): Promise<AttachmentStream> {
    await this.documentInScope(actor, docId);
    return openAttachment(this.ctx, this.principal(actor), docId, index);
  }
}

/** the audit trail's actor for an operator: `console:<username>`, as for every console action */
function auditActor(actor: OpsActor): string {
  return `console:${actor.username}`;
}

function parseCursor(cursor: string): number {
  if (!/^\d{1,15}$/.test(cursor))
    throw new HubError('bad-request', `cursor must be the nextCursor of a previous page, not "${cursor}"`, {
      path: 'cursor',
    });
  return Number(cursor);
}

/** midnight (Vietnam time) starting a `YYYY-MM-DD` day */
function dayStart(day: string, path: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - VN_MS : Number.NaN;
  if (!m || Number.isNaN(ms) || new Date(ms + VN_MS).toISOString().slice(0, 10) !== day) {
    throw new HubError('bad-request', `${path} must be a date YYYY-MM-DD, not "${day}"`, { path });
  }
  return new Date(ms);
}

const isoDay = (ms: number) => new Date(ms + VN_MS).toISOString().slice(0, 10);

interface Period {
  from: string;
  to: string;
  fromDay: number;
  toDay: number;
  fromMs: number;
  /** exclusive */
  toMs: number;
  bucket: 'day' | 'month';
}

/** The period a filter names, in Vietnam days; at most 5 years; buckets by day up to 92 days, else by month. */
export function resolvePeriod(f: DashboardFilter, now: Date): Period {
  const today = isoDay(now.getTime());
  let from: string;
  let to = today;
  if (f.from !== undefined || f.to !== undefined) {
    to = f.to ?? today;
    from = f.from ?? `${to.slice(0, 4)}-01-01`;
  } else {
    const todayStart = dayStart(today, 'to').getTime();
    switch (f.preset ?? '30d') {
      case 'today':
        from = today;
        break;
      case '7d':
        from = isoDay(todayStart - 6 * DAY_MS);
        break;
      case '30d':
        from = isoDay(todayStart - 29 * DAY_MS);
        break;
      case 'month':
        from = `${today.slice(0, 7)}-01`;
        break;
      case 'year':
        from = `${today.slice(0, 4)}-01-01`;
        break;
    }
  }
  const fromMs = dayStart(from, 'from').getTime();
  const toMs = dayStart(to, 'to').getTime() + DAY_MS;
  if (toMs <= fromMs)
    throw new HubError('bad-request', `from (${from}) must not be after to (${to})`, { path: 'from' });
  if (toMs - fromMs > 5 * 366 * DAY_MS)
    throw new HubError('bad-request', 'the period must not exceed five years', { path: 'from' });
  const days = Math.round((toMs - fromMs) / DAY_MS);
  return {
    from,
    to,
    fromDay: vietnamDay(fromMs),
    toDay: vietnamDay(toMs - 1),
    fromMs,
    toMs,
    bucket: days <= 92 ? 'day' : 'month',
  };
}

function bucketLabels(p: Period): Array<{ key: number; label: string }> {
  const out: Array<{ key: number; label: string }> = [];
  if (p.bucket === 'day') {
    for (let ms = p.fromMs; ms < p.toMs; ms += DAY_MS) out.push({ key: vietnamDay(ms), label: isoDay(ms) });
    return out;
  }
  let y = Number(p.from.slice(0, 4));
  let m = Number(p.from.slice(5, 7));
  const end = Number(p.to.slice(0, 4)) * 100 + Number(p.to.slice(5, 7));
  while (y * 100 + m <= end) {
    out.push({ key: y * 100 + m, label: `${y}-${String(m).padStart(2, '0')}` });
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}
