// Writes the figures of a bench run as docs/BENCHMARKS.md: targets (PASS/FAIL with the measured
// figure), tables per scenario, ratios against the baselines, and the plots under docs/bench/.
import { budgetSection, coresOf, cpuBudgets } from './cpu-budget.js';
import type { DashboardResult } from './dashboard-scenario.js';
import { describeBacklog } from './hub-backlog.js';
import type { LargePackageResult } from './large-package.js';
import type { Latency, Measurement } from './load.js';
import type { DeliveryResult, FanOutResult, SqliteBaseline } from './scenarios.js';
import type { VerifyResult } from './verify-scenario.js';

export interface BenchResults {
  date: string;
  node: string;
  cpus: string;
  store?: string;
  quick?: boolean;
  secondsPerWindow?: number;
  totalSeconds?: number;
  commit?: string;
  uncommittedHubChanges?: boolean;
  /** 1-minute load average of the machine when the run started and ended (other work shares the cores) */
  loadAverageAtStart?: number;
  loadAverageAtEnd?: number;
  pool?: { packages: number; meanBytes: number; senders: number; recipients: number; generationSeconds: number };
  intake?: Measurement[];
  intakeOpen?: Measurement;
  /** open loop at half of the hub's own measured /v1 peak (64 clients): queueing apart, its service time */
  intakeHalfPeak?: Measurement;
  endToEnd?: Measurement[];
  fanOut?: FanOutResult[];
  /** the drain acknowledging through POST /v1/acks (DELIVERY_ACK_BATCH at a time) */
  delivery?: DeliveryResult;
  /** the same drain with one POST …/ack per package */
  deliveryPerPackageAck?: DeliveryResult;
  /** bare Fastify answering the same delivery requests (ackBatch 0: one ack per package) */
  deliveryBaselines?: Array<Measurement & { ackBatch: number }>;
  sqliteBaseline?: SqliteBaseline;
  fastifyBaseline?: Measurement;
  large?: LargePackageResult;
  verify?: VerifyResult;
  profiles?: ProfileResult[];
  failures?: Array<{ scenario: string; error: string }>;
  /** the operator dashboard on a large embedded store (its own child process; when it started, the load then) */
  dashboard?: DashboardResult & { date: string; loadAverageAtStart: number };
}

export interface FlameSummary {
  /** sampled time not idle, ms */
  busyMs: number;
  wallMs: number;
  categories: Array<{ name: string; ms: number; share: number }>;
  functions: Array<{ name: string; ms: number; share: number; category: string }>;
}

export interface ProfileThread {
  name: string;
  /** the flame graph, in docs/bench/ */
  file: string;
  summary: FlameSummary;
}

export interface ProfileResult {
  scenario: string;
  label: string;
  /** throughput of the profiled run (profiling slows the hub) */
  perSecondProfiled: number;
  threads: ProfileThread[];
}

const f0 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(0));
const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(1));
const f2 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(2));
const pct = (n: number) => `${(n * 100).toFixed(0)} %`;

interface Target {
  what: string;
  measured: string;
  pass: boolean | undefined;
}

function best(ms: Measurement[] | undefined, clients: number, label: string): Measurement | undefined {
  return ms?.find((m) => m.clients === clients && m.label.includes(label));
}

function targets(r: BenchResults): Target[] {
  const t: Target[] = [];
  const v1at64 = best(r.intake, 64, '/v1');
  const vxpAt64 = best(r.intake, 64, 'VXP');
  if (v1at64 || vxpAt64) {
    const figures = [v1at64, vxpAt64].filter((m): m is Measurement => !!m);
    const top = Math.max(...figures.map((m) => m.perSecond));
    t.push({
      what: 'intake ≥ 2,000 signed packages/s at 64 clients',
      measured: figures.map((m) => `${f0(m.perSecond)}/s (${m.label.includes('VXP') ? 'VXP' : '/v1'})`).join(', '),
      pass: top >= 2000,
    });
  }
  if (r.intakeOpen) {
    const m = r.intakeOpen;
    const kept = m.perSecond >= 0.95 * (m.offeredRate ?? 0) && m.errors === 0 && !m.dropped && !m.abandoned;
    t.push({
      what: `intake p99 < 50 ms at half that load (${m.offeredRate}/s offered, open loop, /v1)`,
      measured: `p99 ${f1(m.latencyMs.p99)} ms at ${f0(m.perSecond)}/s achieved${m.dropped ? `, ${m.dropped} sends dropped` : ''}`,
      pass: m.latencyMs.p99 < 50 && kept,
    });
  }
  if (r.sqliteBaseline && (v1at64 || vxpAt64)) {
    const top = Math.max(v1at64?.perSecond ?? 0, vxpAt64?.perSecond ?? 0);
    const ratio = top / r.sqliteBaseline.perSecond;
    t.push({
      what: 'intake ≥ 40 % of the bare-SQLite baseline',
      measured: `${pct(ratio)} (${f0(top)} / ${f0(r.sqliteBaseline.perSecond)} per s)`,
      pass: ratio >= 0.4,
    });
  }
  const fan = r.fanOut?.find((f) => f.recipients === 1000);
  if (fan) {
    t.push({
      what: 'fan-out to 1,000 recipients committed in < 1 s',
      measured: `${f0(fan.ms.max)} ms (worst of ${fan.runs}; median ${f0(fan.ms.p50)} ms)`,
      pass: fan.ms.max < 1000,
    });
  }
  if (r.delivery) {
    const ceiling = r.deliveryBaselines?.find((b) => b.ackBatch === r.delivery!.ackBatch);
    t.push({
      what: 'delivery ≥ 5,000 packages/s fetched and acknowledged',
      measured: `${f0(r.delivery.perSecond)}/s${r.delivery.ackBatch > 0 ? ` (acks by ${r.delivery.ackBatch})` : ''}${ceiling ? `; bare Fastify, same requests: ${f0(ceiling.perSecond)}/s` : ''}`,
      pass: r.delivery.perSecond >= 5000 && r.delivery.ok === r.delivery.deliveries,
    });
  }
  if (r.large) {
    const l = r.large;
    const growth = Math.max(l.upload.hubRssGrowthMb, l.download.hubRssGrowthMb);
    t.push({
      what: `${f0(l.attachmentBytes / 2 ** 20)} MiB attachment: hub memory growth < 64 MB`,
      measured: `${f1(growth)} MiB`,
      pass: growth * 1.048576 < 64,
    });
    t.push({
      what: `${f0(l.attachmentBytes / 2 ** 20)} MiB attachment: ≥ 100 MB/s in and out`,
      measured: `in ${f1(l.upload.mbPerSecond * 1.048576)} MB/s, out ${f1(l.download.mbPerSecond * 1.048576)} MB/s`,
      pass:
        l.upload.mbPerSecond * 1.048576 >= 100 && l.download.mbPerSecond * 1.048576 >= 100 && l.attachmentHashMatches,
    });
  }
  const e2e500 = r.endToEnd?.find((m) => m.offeredRate === 500);
  if (e2e500?.endToEndMs) {
    const kept = e2e500.perSecond >= 0.95 * 500 && e2e500.errors === 0 && !e2e500.unseen && !e2e500.dropped;
    t.push({
      what: 'end to end p99 < 100 ms at 500 packages/s',
      measured: `p99 ${f1(e2e500.endToEndMs.p99)} ms (${f0(e2e500.perSecond)}/s achieved${e2e500.dropped ? `, ${e2e500.dropped} sends dropped` : ''}${e2e500.unseen ? `, ${e2e500.unseen} never seen` : ''})`,
      pass: e2e500.endToEndMs.p99 < 100 && kept,
    });
  }
  if (r.dashboard) {
    const d = r.dashboard;
    const rows = d.rows.filter((x) => x.kind === 'dashboard');
    const worst = Math.max(...rows.map((x) => x.p99));
    const cpu = Math.max(...rows.map((x) => x.cpuMs));
    const atSize = d.documents >= DASHBOARD_TARGET_DOCUMENTS;
    t.push({
      what: 'dashboard < 300 ms at 1,000,000 documents',
      measured: `worst p99 ${f0(worst)} ms over ${rows.length} filter combinations, ≤ ${f1(cpu)} ms CPU per request, at ${d.documents.toLocaleString('en')} documents${atSize ? '' : ' (not the target size)'}`,
      pass: atSize ? worst < 300 : undefined,
    });
  }
  return t;
}

const DASHBOARD_TARGET_DOCUMENTS = 1_000_000;

function lat(l: Latency | undefined): string {
  return l ? `${f1(l.p50)} | ${f1(l.p99)}` : '— | —';
}

function loadRow(m: Measurement): string {
  const notes = [
    m.errors ? `${m.errors} errors` : '',
    m.poolExhausted ? 'pool exhausted' : '',
    m.offeredRate ? `offered ${m.offeredRate}/s` : '',
    m.dropped ? `${m.dropped} sends dropped (over 512 outstanding)` : '',
    m.abandoned ? `${m.abandoned} abandoned unanswered` : '',
    m.warmUp
      ? `after a warm-up of ${f0(m.warmUp.packages)} ${m.label.includes('delivery') ? 'deliveries' : m.label.includes('Fastify') ? 'requests' : 'packages'} at ${f0(m.warmUp.perSecond)}/s`
      : '',
    describeBacklog(m.backlog),
    (m.serverMainThreadWaitCores ?? 0) >= 0.02
      ? `the main thread waited ${f2(m.serverMainThreadWaitCores)} cores for a core`
      : '',
    (m.stealCores ?? 0) >= 0.02 ? `the host took ${f2(m.stealCores)} cores (steal)` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return `| ${m.label} | ${f0(m.perSecond)} | ${lat(m.latencyMs)} | ${f2(m.serverCores)} | ${f2(m.serverMainThreadCores)} | ${f0(m.serverPeakRssMb)} | ${f2(m.generatorCores)} | ${f2(m.machineCores)} | ${notes} |`;
}

const LOAD_HEAD = [
  '| measurement | packages/s | p50 ms | p99 ms | server cores | of which main thread | server peak RSS (MiB) | generator cores | machine cores | notes |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
];

export function renderReport(r: BenchResults, plots: string[] = [], postgres?: BenchResults): string {
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (raw figures: `bench/out/results.json`, copied to',
    '[`docs/bench/results.json`](bench/results.json) for the run below). Every scenario runs on this machine over',
    'loopback; each hub is its own process (a fresh copy of one prepared data directory: the demo directory, its',
    'dev CA and signing certificates, and 1,000 extra agencies), as operators run it.',
    '',
    `Run: ${r.date}, commit ${r.commit || '?'}${r.uncommittedHubChanges ? ' **with uncommitted changes under packages/**' : ''}, Node ${r.node}, ${r.cpus}, store ${r.store ?? 'sqlite'}${r.quick ? ', **--quick**' : ''}, ${r.secondsPerWindow ?? '?'} s per measurement window, whole run ${f0(r.totalSeconds)} s.`,
    `Machine load average (1 min) at the start ${f1(r.loadAverageAtStart)}, at the end ${f1(r.loadAverageAtEnd)}: anything above`,
    '≈2 means other work (builds, test suites) was sharing the two cores with the hub and the generator, and the',
    'figures are lower than the machine can do.',
    '',
    '**Read with care.** The load generator is a separate Node process on the same two cores as the hub: the',
    '"generator cores" column says how much of the machine it took from the hub. "Server cores" is the hub',
    "process's utime + stime from `/proc/<pid>/stat` over the window, divided by the window's wall time; \"of which",
    'main thread" is the same for its event loop alone (`/proc/<pid>/task/<pid>/stat`): near 1.00 the event loop is',
    'saturated, and the rest of the hub (thread pool, workers) cannot make up for it. It is saturated below 1.00',
    'too when it is ready to run but the other threads hold both cores: a note gives that wait from 0.02 cores',
    '(`/proc/<pid>/task/<pid>/schedstat`), and busy plus waiting near 1.00 is saturation. "Machine cores" is every',
    'process together (`/proc/stat`: hub, generator, PostgreSQL on that store, anything else): near the core count,',
    'the machine itself is the limit. On a virtual machine, part of it may be steal, time its cores were ready to run',
    'but the host ran something else: a note says so when that reached 0.02 cores in a window. Peak RSS is',
    'sampled every 50 ms. Latencies are percentiles over every sample (nearest rank). Compare runs by their',
    'ratios, not by their absolute values.',
    '',
  ];
  const t = targets(r);
  if (t.length) {
    lines.push('## Targets', '', '| target | measured | verdict |', '|---|---|---|');
    for (const x of t)
      lines.push(`| ${x.what} | ${x.measured} | ${x.pass === undefined ? '—' : x.pass ? 'PASS' : '**FAIL**'} |`);
    lines.push('');
  }
  lines.push(...budgetSection(r));
  if (r.failures?.length) {
    lines.push('## Scenarios that failed in this run', '');
    for (const f of r.failures) lines.push(`- **${f.scenario}**: ${f.error.replace(/\s+/g, ' ').slice(0, 400)}`);
    lines.push('');
  }
  for (const p of plots) lines.push(`![${p.replace('.svg', '')}](bench/${p})`, '');
  if (r.pool) {
    const p = r.pool;
    lines.push(
      '## The packages',
      '',
      `${p.packages} unique packages generated before any timed window (${f1(p.generationSeconds)} s in parallel`,
      `processes, not measured): each one ${f0(p.meanBytes)} bytes on average — one 5 KiB random attachment (base64`,
      "inline) and an enveloped XML signature (ECDSA P-256, SHA-256) by the sender's demo certificate chained to",
      `the hub's dev CA, certificate chain in KeyInfo — from ${p.senders} sender agencies to one of ${p.recipients}`,
      'recipients; every DocumentId and SHA-256 distinct. The hub verifies every signature at intake (default',
      'policy `report`). Each measurement starts a fresh hub, so the pool is reused from its start; a window',
      'ends early if it reaches the packages kept for the warm-ups ("pool exhausted").',
      '',
    );
  }
  if (r.intake || r.intakeOpen || r.fastifyBaseline) {
    lines.push(
      '## Intake',
      '',
      'Closed loop: each client sends its next package as soon as the previous one is answered (keep-alive',
      '`http.Agent`, `maxSockets` = clients). `/v1` is `POST /v1/packages` with an API key; VXP is `POST /sendEdoc`',
      'with HMAC-signed `XroadVnpt-` headers (`signVxpHeaders` of `@lienthong/client`, fresh timestamp, `hash-file`',
      'per request). The open-loop lines send at a fixed rate whatever the answers (at most 512 outstanding; a',
      'send due beyond that is dropped and counted); latency is from the send. **Warm-up:** every window starts a fresh',
      'hub, and before its window each hub is sent, not timed, the last packages of the pool at 64 clients (closed loop,',
      "the window's protocol; the notes say how many and how fast): the hub a client meets has been running, its JIT has",
      "compiled the intake path and the senders' certificate chains are validated. A fresh hub's first seconds are",
      "not that hub: V8's compiler threads take ≈ 0.4 of the two cores, and a probe of one hub's successive 3 s windows",
      'at 64 clients measured 227/s in the first and 470–625/s in the next ones. Each open-loop window (and each',
      'end-to-end one) then follows one second of its own load, not timed either.',
      '**Left behind:** the hub answers a submission once its package is committed; the inspection of its',
      "attachments (PDF signatures, archives) runs after, in the background. The notes give the hub's queues (its",
      '`/metrics`: attachments uninspected, webhook and federation queues) at the end of the window and at its start:',
      'a window that ends with a longer queue than it began with counted intake the hub did not keep up with.',
      "The second open-loop line offers half of the hub's own /v1 figure at 64 clients, to show its latency when it is",
      'not saturated.',
      '',
      ...LOAD_HEAD,
      ...(r.intake ?? []).map(loadRow),
      ...(r.intakeOpen ? [loadRow(r.intakeOpen)] : []),
      ...(r.intakeHalfPeak ? [loadRow(r.intakeHalfPeak)] : []),
      ...(r.fastifyBaseline ? [loadRow({ ...r.fastifyBaseline, label: `baseline: ${r.fastifyBaseline.label}` })] : []),
      '',
    );
  }
  if (r.sqliteBaseline || r.fastifyBaseline) {
    lines.push('## Baselines and ratios', '');
    const v1 = best(r.intake, 64, '/v1');
    const vxp = best(r.intake, 64, 'VXP');
    if (r.sqliteBaseline) {
      const s = r.sqliteBaseline;
      lines.push(
        `**Bare SQLite** (same package bytes, better-sqlite3, WAL, \`synchronous=FULL\`, one transaction per package with`,
        `its SHA-256 and DocumentId under UNIQUE indexes, one writer, no hub): ${f0(s.perSecond)} inserts/s, p50`,
        `${f2(s.p50)} ms, p99 ${f2(s.p99)} ms (${s.inserts} inserts in ${f1(s.seconds)} s${s.poolReused ? ', pool reused with distinct keys' : ''}).`,
        '',
      );
    }
    if (r.fastifyBaseline) {
      lines.push(
        `**Bare Fastify** (own process, drains the body and answers, same generator and packages, 64 clients):`,
        `${f0(r.fastifyBaseline.perSecond)} requests/s.`,
        '',
      );
    }
    lines.push('| ratio (64 clients) | /v1 | VXP |', '|---|---:|---:|');
    if (r.sqliteBaseline) {
      const s = r.sqliteBaseline.perSecond;
      lines.push(
        `| hub intake / bare SQLite | ${v1 ? f2(v1.perSecond / s) : '—'} | ${vxp ? f2(vxp.perSecond / s) : '—'} |`,
      );
    }
    if (r.fastifyBaseline) {
      const b = r.fastifyBaseline.perSecond;
      lines.push(
        `| hub intake / bare Fastify | ${v1 ? f2(v1.perSecond / b) : '—'} | ${vxp ? f2(vxp.perSecond / b) : '—'} |`,
      );
    }
    lines.push('');
  }
  if (r.fanOut) {
    lines.push(
      '## Fan-out',
      '',
      'One signed package whose To list names N agencies, `POST /v1/packages`; time from the send to the answer',
      '(the hub answers after the commit that creates one delivery per recipient). Sequential runs on one hub.',
      '',
      '| recipients | package bytes | runs | median ms | worst ms |',
      '|---:|---:|---:|---:|---:|',
      ...r.fanOut.map((f) => `| ${f.recipients} | ${f.packageBytes} | ${f.runs} | ${f1(f.ms.p50)} | ${f1(f.ms.max)} |`),
      '',
    );
  }
  if (r.delivery || r.deliveryPerPackageAck) {
    const d = (r.delivery ?? r.deliveryPerPackageAck)!;
    const hubRuns = [r.delivery, r.deliveryPerPackageAck].filter((x): x is DeliveryResult => x !== undefined);
    const baseline = (batch: number) => r.deliveryBaselines?.find((b) => b.ackBatch === batch);
    const perRequest = (m: Measurement) => (m.requests === undefined ? undefined : m.ok / m.requests);
    lines.push(
      '## Delivery',
      '',
      `${d.preloadedPackages} signed packages, each addressed to the same ${d.agencies} agencies (${d.deliveries} deliveries,`,
      `preloaded in ${f1(d.preloadSeconds)} s, not timed); then the ${d.agencies} agencies drain their inboxes in parallel, each`,
      'in a loop: `GET /v1/inbox?limit=1000`, then for every item `GET /v1/packages/{docId}` (body read in full), until',
      "its inbox is empty. Acknowledged either as the SDK's `ackMany` does, `POST /v1/acks` with the packages fetched",
      `(${r.delivery?.ackBatch ?? 100} at a time, and at the end of each inbox page; latency: each request), or with one`,
      '`POST /v1/packages/{docId}/ack {"state":"done"}` per package (latency: fetch + ack of one package). The',
      'baselines are bare Fastify (its own process, no hub work: bare-delivery.ts) answering the same requests with the',
      'same sizes (the inbox item and the package as the hub served them), drained by the same generator: the ceiling',
      'of the HTTP layer on this machine for this pattern. Warm-up, as at intake: before the measured drain, the hub has',
      'the same preload drained once, not timed (the notes: at what rate); the bare servers answer the same load for',
      '2 s first.',
      '',
      ...LOAD_HEAD,
      ...hubRuns.map(loadRow),
      ...(r.deliveryBaselines ?? []).map((b) => loadRow({ ...b, label: `baseline: ${b.label}` })),
      '',
      '| drain | hub packages/s | hub CPU ms per package | HTTP requests per package | bare Fastify packages/s (same requests) | hub / bare Fastify |',
      '|---|---:|---:|---:|---:|---:|',
      ...hubRuns.map((h) => {
        const b = baseline(h.ackBatch);
        const ratio = perRequest(h);
        return `| ${h.ackBatch > 0 ? `acks by ${h.ackBatch}` : 'one ack per package'} | ${f0(h.perSecond)} | ${f2(h.serverCpuMsPerPackage)} | ${ratio ? f2(1 / ratio) : '—'} | ${f0(b?.perSecond)} | ${b ? f2(h.perSecond / b.perSecond) : '—'} |`;
      }),
      '',
      ...hubRuns.map(
        (h) =>
          `Fetched and acknowledged (${h.ackBatch > 0 ? `acks by ${h.ackBatch}` : 'one ack per package'}): ${h.ok} of ${h.deliveries}${h.ok < h.deliveries ? ` (the window ends after ${h.deadlineSeconds} s whether or not the inboxes are empty; the rate is over that window)` : ''}.`,
      ),
      '',
    );
  }
  if (r.endToEnd) {
    lines.push(
      '## End to end',
      '',
      'Open loop through `/v1` at a fixed offered rate; the 20 recipient agencies each long-poll',
      '`GET /v1/inbox?wait=2`, fetch every package listed and acknowledge it. End-to-end time: from the submit',
      'being sent to the recipient having read the whole package (same process, same clock).',
      '',
      '| offered/s | achieved/s | submit p50 ms | submit p99 ms | end-to-end p50 ms | end-to-end p99 ms | server cores | generator cores | dropped | never seen |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...r.endToEnd.map(
        (m) =>
          `| ${m.offeredRate} | ${f0(m.perSecond)} | ${lat(m.latencyMs)} | ${lat(m.endToEndMs)} | ${f2(m.serverCores)} | ${f2(m.generatorCores)} | ${m.dropped ?? 0} | ${m.unseen ?? 0} |`,
      ),
      '',
    );
  }
  if (r.large) {
    const l = r.large;
    lines.push(
      '## Large package (streamed in and out)',
      '',
      `One package of ${f1(l.packageBytes / 2 ** 20)} MiB (a ${f1(l.attachmentBytes / 2 ** 20)} MiB attachment inline as base64),`,
      'submitted with `POST /v1/packages` and fetched with `GET /v1/packages/{docId}` (the client parses',
      'it again and checks the attachment hash). Hub memory is its resident set sampled every 20 ms, minus',
      'its resident set just before the transfer. MiB/s counts package bytes.',
      '',
      '| direction | seconds | MiB/s | hub RSS growth (MiB) |',
      '|---|---:|---:|---:|',
      `| in | ${f2(l.upload.seconds)} | ${f1(l.upload.mbPerSecond)} | ${f1(l.upload.hubRssGrowthMb)} |`,
      `| out | ${f2(l.download.seconds)} | ${f1(l.download.mbPerSecond)} | ${f1(l.download.hubRssGrowthMb)} |`,
      '',
      `Hub RSS before: ${f1(l.hubBaselineRssMb)} MiB. Attachment hash after the round trip matches: ${l.attachmentHashMatches ? 'yes' : 'NO'}.`,
      '',
    );
  }
  if (r.verify) {
    const v = r.verify;
    const base = v.throughput[0]?.perSecond ?? 1;
    lines.push(
      '## Signature verification (one core)',
      '',
      `A signed package of ${v.packageBytes} bytes (one 5 KiB attachment, RSA-SHA256, chain to the dev root),`,
      `verified repeatedly for ${v.seconds} s each, in the same run (baseline (c): xmlsec1 and xml-crypto); the`,
      'same package signed with ECDSA P-256, as the load pool is, verified by Lienthong alone and with the',
      "certification path's verdict cached from one package to the next, as the hub verifies at intake:",
      '',
      '| verifier | packages/s | relative to Lienthong |',
      '|---|---:|---:|',
      ...v.throughput.map((x) => `| ${x.label} | ${f1(x.perSecond)} | ${(x.perSecond / base).toFixed(2)} |`),
      '',
      'A 100 MiB attachment (≈134 MiB package), each in a fresh process:',
      '',
      '| operation | peak RSS of the process (MiB) | ms (with process start) |',
      '|---|---:|---:|',
      `| sign (two streaming passes, written to disk) | ${v.large.signing.maxRssMiB} | ${v.large.signing.ms} |`,
      `| verify (one streaming pass from disk) | ${v.large.verifying.maxRssMiB} | ${v.large.verifying.ms} |`,
      '',
    );
  }
  if (r.profiles?.length) {
    lines.push(
      '## Where the time goes (CPU profiles)',
      '',
      'The intake (/v1, 64 clients) and delivery measurements run once more on a hub started with',
      '`node --cpu-prof`; each flame graph shows one thread of the hub: a box is a function, as wide as the time',
      'spent in it and in what it called, callers below (hover a box for its figures). Idle time is left out.',
      'Only the measurement window is kept: start-up, warm-up and the delivery preload are cut off, and so is the',
      'shutdown (its final audit checkpoint; cut by the time the hub took to stop, which includes writing the',
      'profile, so the kept span may start a little before the window). Profiling slows the hub',
      'down, so these runs are not measurements. On the embedded store the hub has one worker thread even without',
      'intake workers: the WAL checkpointer (`store/sqlite/wal-checkpointer.ts`); its graph is the "worker" one then.',
      '',
    );
    for (const p of r.profiles) {
      for (const t of p.threads) {
        const s = t.summary;
        lines.push(
          `### ${p.scenario}: ${t.name}`,
          '',
          `${p.label}, ${f0(p.perSecondProfiled)}/s while profiled; ${f0(s.busyMs)} ms busy in ${f0(s.wallMs)} ms sampled.`,
          '',
          `![${p.scenario} ${t.name}](bench/${t.file})`,
          '',
          `Self time by part: ${s.categories
            .filter((c) => c.share >= 0.01)
            .map((c) => `${c.name} ${pct(c.share)}`)
            .join(', ')}.`,
          '',
          '| function (self time) | part | ms | share |',
          '|---|---|---:|---:|',
          ...s.functions.map(
            (f) => `| \`${f.name.replace(/\|/g, '\\|')}\` | ${f.category} | ${f0(f.ms)} | ${pct(f.share)} |`,
          ),
          '',
        );
      }
    }
  }
  if (r.dashboard) lines.push(...dashboardSection(r.dashboard));
  if (postgres) lines.push(...storeComparison(r, postgres));
  lines.push(
    '## Running it',
    '',
    "`npm run bench` (builds, then runs everything, ≈10 minutes at most, and the dashboard scenario's fill of",
    '1,000,000 packages: ≈7 minutes more on a quiet machine); `npm run bench -- --quick` (≈2 minutes);',
    '`--only intake,fanout,delivery,e2e,baselines,large,verify,profile,dashboard`; `--seconds N` per measurement window;',
    '`--package-mb N` for the large scenario; `--documents N` for the dashboard (default 1,000,000, 20,000 with',
    '`--quick`); `--store postgres --database-url URL` (passed to every hub as `--database` and',
    '`LIENTHONG_DATABASE_URL`; exits 2 while the hub has no PostgreSQL store; the dashboard scenario always fills',
    'an embedded store); `--delivery-packages N` (packages preloaded for the delivery drain, each to 100',
    'agencies); `--hub-node-args "…"` (Node options for every hub, e.g. `"--cpu-prof --cpu-prof-dir /tmp/p"`).',
    'Not part of `npm test`.',
    '',
  );
  return `${lines.join('\n')}\n`;
}

/** Everything after this line in docs/BENCHMARKS.md is written by hand and kept as it is by `npm run bench`. */
export const HAND_WRITTEN_MARKER = '<!-- Below this line: written by hand, kept as it is by npm run bench. -->';

/** Headings renderReport writes (any other `## ` section found in an older file is hand-written). */
const GENERATED_HEADINGS = new Set([
  'Targets',
  'Scenarios that failed in this run',
  'The packages',
  'Intake',
  'Baselines and ratios',
  'Fan-out',
  'Delivery',
  'End to end',
  'Large package (streamed in and out)',
  'Signature verification (one core)',
  'Where the time goes (CPU profiles)',
  'PostgreSQL beside the embedded store',
  'Dashboard',
  'Running it',
]);

/** The hand-written part of an existing BENCHMARKS.md: after the marker, or else its sections we do not write. */
export function handWrittenTail(existing: string): string {
  const at = existing.indexOf(HAND_WRITTEN_MARKER);
  if (at >= 0) return existing.slice(at).trimEnd();
  const sections = existing.split(/\n(?=## )/).slice(1);
  const kept = sections.filter((s) => !GENERATED_HEADINGS.has((s.split('\n')[0] ?? '').slice(3).trim()));
  return kept.length ? `${HAND_WRITTEN_MARKER}\n\n${kept.map((s) => s.trimEnd()).join('\n\n')}` : '';
}

/** The generated report followed by the hand-written part of the file it replaces. */
export function withHandWritten(report: string, existing: string | undefined): string {
  const tail = existing ? handWrittenTail(existing) : '';
  return tail ? `${report.trimEnd()}\n\n${tail}\n` : report;
}

/** The same scenarios on PostgreSQL (`--store postgres`, its own run) beside the embedded store's. */
/** what 1,000 packages/s leaves the hub and PostgreSQL together, from the PostgreSQL run's figures */
function postgresBudget(p: BenchResults): string[] {
  const b = cpuBudgets(p, 1000).find((x) => x.target.startsWith('intake'));
  if (!b || b.databaseMs === undefined) return [];
  const spent = b.hubMs + b.databaseMs;
  return [
    `At 1,000 packages/s the machine's ${coresOf(p)} cores, less the load generator's need (${f2(b.generatorMs)} ms per request at its`,
    `fastest), leave **${f2(b.budgetMs)} ms of CPU per package** for the hub and PostgreSQL together; at 64 clients (/v1) they`,
    `spent ${f2(spent)} ms (hub ${f2(b.hubMs)}, PostgreSQL ${f2(b.databaseMs)}): ${f2(spent / b.budgetMs)}× the budget, and the hub's`,
    `event loop ${f2(b.hubMainThreadMs)} ms of the ${f2(b.eventLoopBudgetMs)} ms one event loop has per package at that rate.`,
    '',
  ];
}

function storeComparison(e: BenchResults, p: BenchResults): string[] {
  const row = (what: string, get: (r: BenchResults) => string) => `| ${what} | ${get(e)} | ${get(p)} |`;
  const perSecond = (r: BenchResults, clients: number, label: string) => {
    const m = best(r.intake, clients, label);
    return m ? `${f0(m.perSecond)}/s (p99 ${f0(m.latencyMs.p99)} ms)` : '—';
  };
  const pgTop = Math.max(best(p.intake, 64, '/v1')?.perSecond ?? 0, best(p.intake, 64, 'VXP')?.perSecond ?? 0);
  const e2e = (r: BenchResults) => {
    const m = r.endToEnd?.find((x) => x.offeredRate === 500);
    return m?.endToEndMs ? `p99 ${f0(m.endToEndMs.p99)} ms at ${f0(m.perSecond)}/s` : '—';
  };
  const fan = (r: BenchResults) => {
    const f = r.fanOut?.find((x) => x.recipients === 1000);
    return f ? `${f0(f.ms.max)} ms worst, ${f0(f.ms.p50)} ms median` : '—';
  };
  return [
    '## PostgreSQL beside the embedded store',
    '',
    `The same harness with \`--store postgres\` (run ${p.date}, commit ${p.commit || '?'}, load average ${f1(p.loadAverageAtStart)} at`,
    `its start): every hub gets a database of its own, cloned from a template database (\`CREATE DATABASE … TEMPLATE\`)`,
    'and dropped when it stops; PostgreSQL runs on the same two cores as the hub and the load generator. Raw',
    'figures: [`docs/bench/results-postgres.json`](bench/results-postgres.json).',
    '',
    `Target of the PostgreSQL store: intake ≥ 1,000 signed packages/s — measured ${f0(pgTop)}/s at 64 clients: **${pgTop >= 1000 ? 'PASS' : 'FAIL'}**.`,
    '',
    '| measurement | embedded (SQLite) | PostgreSQL |',
    '|---|---:|---:|',
    row('intake /v1, 1 client', (r) => perSecond(r, 1, '/v1')),
    row('intake /v1, 16 clients', (r) => perSecond(r, 16, '/v1')),
    row('intake /v1, 64 clients', (r) => perSecond(r, 64, '/v1')),
    row('intake VXP, 64 clients', (r) => perSecond(r, 64, 'VXP')),
    row('fan-out to 1,000', fan),
    row('delivery, fetched + acknowledged', (r) => (r.delivery ? `${f0(r.delivery.perSecond)}/s` : '—')),
    row('end to end at 500/s', e2e),
    row('large package in / out', (r) =>
      r.large ? `${f1(r.large.upload.mbPerSecond)} / ${f1(r.large.download.mbPerSecond)} MiB/s` : '—',
    ),
    row('hub server cores at intake /v1, 64 clients', (r) => f2(best(r.intake, 64, '/v1')?.serverCores)),
    row('PostgreSQL server cores at intake /v1, 64 clients', (r) =>
      r.store === 'postgres' ? f2(best(r.intake, 64, '/v1')?.databaseCores) : '—',
    ),
    row('machine cores at intake /v1, 64 clients (every process)', (r) => f2(best(r.intake, 64, '/v1')?.machineCores)),
    '',
    ...postgresBudget(p),
  ];
}

/** The operator dashboard on a large store: how it was filled, the aggregator's catch-up, each filter's figures. */
function dashboardSection(d: NonNullable<BenchResults['dashboard']>): string[] {
  const rows = (kind: 'dashboard' | 'search') =>
    d.rows
      .filter((x) => x.kind === kind)
      .map((x) => `| ${x.name} | ${f1(x.p50)} | ${f1(x.p99)} | ${f1(x.max)} | ${f1(x.cpuMs)} |`);
  const head = ['| filters | p50 ms | p99 ms | max ms | CPU ms/request |', '|---|---:|---:|---:|---:|'];
  const fill =
    d.fillSeconds !== undefined
      ? `filled in ${f0(d.fillSeconds)} s (${d.deliveries?.toLocaleString('en') ?? '?'} deliveries, 1 % of them still pending)`
      : 'filled by an earlier run (--keep)';
  return [
    '## Dashboard',
    '',
    `\`packages/hub/dist/bench/dashboard-bench.js\` in its own process, run ${d.date}, load average ${f1(d.loadAverageAtStart)} at its`,
    `start and ${f1(d.loadAverageAtEnd)} at its end. An embedded store holds ${d.documents.toLocaleString('en')} packages over the last 365 days`,
    `across the demo directory (90 % documents, 10 % statuses, valid XML signatures from 7 of 8 senders), ${fill};`,
    `the hub restarts and its statistics aggregator folds ${d.catchUp.packages.toLocaleString('en')} packages in ${f1(d.catchUp.seconds)} s`,
    `(${f1(d.catchUp.cpuSeconds)} s CPU). Then, signed in as the national operator, ${d.requestsPerCombination} sequential`,
    '`GET /console/api/ops/dashboard` per filter combination over HTTP: wall time per request, and CPU per request',
    'of the process (the hub and the HTTP client), the steadier figure on a loaded machine; then the document search.',
    '',
    ...head,
    ...rows('dashboard'),
    '',
    ...head,
    ...rows('search'),
    '',
    ...(d.kpis
      ? [
          `Figures of the year: ${Object.entries(d.kpis)
            .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
            .join(', ')}.`,
          '',
        ]
      : []),
  ];
}
