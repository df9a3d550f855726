// The load scenarios: intake (closed loop, /v1 and VXP, 1/16/64 clients; open loop at a fixed rate),
// fan-out, delivery, end to end, and the bare-SQLite / bare-Fastify baselines. Each hub is a fresh
// copy of the run's template data directory, started as its own process.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { buildDocument, collect, type DocumentHeader } from '@lienthong/edxml';
import { signPackage } from '@lienthong/trust';
import type { BareDeliverySetup } from './bare-delivery.js';
import { readBacklog } from './hub-backlog.js';
import type { StoreSelection } from './hub-process.js';
import { type Latency, type Measurement, measure, summarise, type WarmUp } from './load.js';
import type { Credentials, LoadJob } from './loadgen.js';
import type { Pool } from './package-pool.js';
import { startFromTemplate, type Template } from './template.js';

export interface Ctx {
  template: Template;
  store: StoreSelection;
  pool: Pool;
  seconds: number;
  /** agencies the pool's packages are addressed to (they poll in the end-to-end scenario) */
  recipients: string[];
  /** Node options for every hub process started (the profiled runs pass --cpu-prof) */
  hubNodeArgs?: string[];
  /** when given, how long each hub took to stop (s) is appended: the profiled runs cut the shutdown off */
  stopSeconds?: number[];
}

async function startHub(ctx: Ctx) {
  const hub = await startFromTemplate(ctx.template, ctx.store, ctx.hubNodeArgs ? { nodeArgs: ctx.hubNodeArgs } : {});
  const times = ctx.stopSeconds;
  if (!times) return hub;
  return {
    ...hub,
    stop: async () => {
      const started = performance.now();
      await hub.stop();
      times.push((performance.now() - started) / 1000);
    },
  };
}

function credentials(t: Template): Record<string, Credentials> {
  return Object.fromEntries(t.agencies.map((a) => [a.code, { apiKey: a.apiKey, vxpSecret: a.vxpSecret }]));
}

function job(ctx: Ctx, url: string, over: Partial<LoadJob>): LoadJob {
  return {
    mode: 'closed',
    url,
    protocol: 'v1',
    clients: 1,
    seconds: ctx.seconds,
    poolFiles: ctx.pool.files,
    pairs: ctx.pool.pairs,
    credentials: credentials(ctx.template),
    ...over,
  };
}

/**
 * Packages sent to every freshly started hub before its measured window, not timed: 64 clients, closed loop,
 * from the pool's far end. A hub that clients meet has been running for days: its JIT has compiled the
 * intake path and its senders' certificate chains are validated. Probed on this machine (one hub, successive
 * 3 s windows at 64 clients): 227/s in the first window, 470–625/s in the following ones, V8's compiler
 * threads taking ≈ 0.4 cores of the two in the first seconds and ≈ 0.1 by the tenth.
 */
export const WARM_UP_PACKAGES = 3000;
/** packages the open-loop windows' warm-up at their own rate may take (just below the intake warm-up's) */
const OPEN_LOOP_WARM_UP_MAX = 1000;

/** the bare-Fastify baselines are warmed up too: this long under the load they are then measured with */
const BARE_WARM_UP_SECONDS = 2;

function warmUpOf(m: Measurement): WarmUp {
  return { packages: Math.round(m.perSecond * m.seconds), seconds: m.seconds, perSecond: m.perSecond };
}

/** where the warm-up packages start: the measured windows stop before it */
function warmUpStart(ctx: Ctx): number {
  return ctx.pool.pairs.length - Math.min(WARM_UP_PACKAGES, Math.floor(ctx.pool.pairs.length / 4));
}

/** the pool's packages the measured windows may use */
function measuredEnd(ctx: Ctx): number {
  return warmUpStart(ctx) - Math.min(OPEN_LOOP_WARM_UP_MAX, Math.floor(ctx.pool.pairs.length / 8));
}

/** the untimed warm-up of a fresh hub (WARM_UP_PACKAGES at 64 clients); what it took is kept with the window */
async function warmUp(ctx: Ctx, url: string, pid: number, protocol: 'v1' | 'vxp', label: string): Promise<WarmUp> {
  const start = warmUpStart(ctx);
  const m = await measure(
    `${label} (warm-up)`,
    job(ctx, url, { protocol, clients: 64, seconds: 120, poolOffset: start, poolEnd: ctx.pool.pairs.length }),
    pid,
  );
  return warmUpOf(m);
}

export async function intake(
  ctx: Ctx,
  clientCounts: number[],
  protocols: ReadonlyArray<'v1' | 'vxp'> = ['v1', 'vxp'],
): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const protocol of protocols) {
    for (const clients of clientCounts) {
      const hub = await startHub(ctx);
      try {
        const label = `intake ${protocol === 'v1' ? '/v1' : 'VXP /sendEdoc'}, ${clients} client${clients === 1 ? '' : 's'}`;
        const warm = await warmUp(ctx, hub.url, hub.pid, protocol, label);
        const before = await readBacklog(hub.url);
        const m = await measure(label, job(ctx, hub.url, { protocol, clients, poolEnd: measuredEnd(ctx) }), hub.pid);
        out.push({ ...m, warmUp: warm, backlog: { before, after: await readBacklog(hub.url) } });
      } finally {
        await hub.stop();
      }
    }
  }
  return out;
}

/** Open loop at a fixed rate through /v1; with `endToEnd`, the recipients long-poll and fetch. */
export async function openLoop(ctx: Ctx, rate: number, endToEnd: boolean, note = ''): Promise<Measurement> {
  const hub = await startHub(ctx);
  try {
    const label = endToEnd ? `end to end at ${rate}/s` : `intake /v1 open loop at ${rate}/s${note}`;
    const over: Partial<LoadJob> = {
      mode: 'open',
      rate,
      clients: 256,
      maxInFlight: 512,
      drainSeconds: Math.min(10, 2 * ctx.seconds),
      poolEnd: measuredEnd(ctx),
    };
    if (endToEnd) over.pollers = ctx.recipients;
    const warm = await warmUp(ctx, hub.url, hub.pid, 'v1', label);
    // then a second of the window's own load, not timed either, so that the window does not start on an idle
    // hub (end to end: the recipients' long-polls, fetches and acknowledgements warm up too)
    const own = Math.min(rate, warmUpStart(ctx) - measuredEnd(ctx));
    await measure(
      `${label} (warm-up at its rate)`,
      job(ctx, hub.url, { ...over, seconds: own / rate, poolOffset: measuredEnd(ctx), poolEnd: warmUpStart(ctx) }),
      hub.pid,
    );
    const before = await readBacklog(hub.url);
    const m = await measure(label, job(ctx, hub.url, over), hub.pid);
    return { ...m, warmUp: warm, backlog: { before, after: await readBacklog(hub.url) } };
  } finally {
    await hub.stop();
  }
}

function header(sender: string, to: string[], n: number, tag: string): DocumentHeader {
  return {
    from: { organId: sender, organName: `Cơ quan ${sender}` },
    to: to.map((code) => ({ organId: code, organName: `Cơ quan ${code}` })),
    documentId: `${sender},2026/11/21,${n}/${tag}`,
    code: { codeNumber: String(n), codeNotation: tag },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: '2026/11/20' },
    documentType: { type: 1, typeName: 'Công văn' },
    subject: `Gói tin gửi nhiều nơi số ${n}`,
    signerInfo: { fullName: 'Nguyễn Văn Bench' },
    otherInfo: { priority: 0, appendixes: [] },
    responseFor: [],
    toPlaces: [],
  };
}

async function signedPackage(ctx: Ctx, sender: string, to: string[], n: number, tag: string): Promise<Buffer> {
  const agency = ctx.template.agencies.find((a) => a.code === sender)!;
  const unsigned = await collect(
    buildDocument({
      header: header(sender, to, n, tag),
      attachments: [
        {
          attachmentName: 'phu-luc.bin',
          contentType: 'application/octet-stream',
          content: Buffer.alloc(5120, n % 251),
        },
      ],
    }),
  );
  const signed = await signPackage(
    async function* () {
      yield unsigned;
    },
    { key: readFileSync(agency.key, 'utf8'), certificate: readFileSync(agency.certificate, 'utf8') },
  );
  return collect(signed.bytes());
}

function post(url: string, apiKey: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/packages`, {
      method: 'POST',
      // the hub's X-Lienthong-Receipt header lists every recipient: over Node's default 16 KiB at 1,000
      maxHeaderSize: 1024 * 1024,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml', 'content-length': body.length },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
    });
    req.end(body);
  });
}

export interface FanOutResult {
  recipients: number;
  runs: number;
  packageBytes: number;
  /** submit sent → answered, ms */
  ms: Latency;
  samplesMs: number[];
}

export async function fanOut(ctx: Ctx, counts: number[], runs: number): Promise<FanOutResult[]> {
  const sender = ctx.template.agencies[0]!;
  const out: FanOutResult[] = [];
  const hub = await startHub(ctx);
  try {
    let n = 1;
    for (const count of counts) {
      const others = [...ctx.template.agencies.slice(1).map((a) => a.code), ...ctx.template.extraCodes];
      const to = others.slice(0, count);
      const samples: number[] = [];
      let bytes = 0;
      for (let r = 0; r < runs; r++) {
        const body = await signedPackage(ctx, sender.code, to, n++, `FANOUT${count}`);
        bytes = body.length;
        const started = performance.now();
        const a = await post(hub.url, sender.apiKey, body);
        const ms = performance.now() - started;
        if (a.status !== 201) throw new Error(`fan-out to ${count}: ${a.status} ${a.text}`);
        const recipients = (JSON.parse(a.text) as { recipients: unknown[] }).recipients.length;
        if (recipients !== count) throw new Error(`fan-out to ${count}: the hub lists ${recipients} recipients`);
        samples.push(ms);
      }
      const ms = summarise(samples);
      console.error(
        `  fan-out to ${count}: p50 ${ms.p50.toFixed(1)} ms, max ${ms.max.toFixed(1)} ms over ${runs} runs`,
      );
      out.push({ recipients: count, runs, packageBytes: bytes, ms, samplesMs: samples });
    }
  } finally {
    await hub.stop();
  }
  return out;
}

export interface DeliveryResult extends Measurement {
  preloadedPackages: number;
  deliveries: number;
  agencies: number;
  preloadSeconds: number;
  /** the drain stops after this many seconds even if inboxes are not empty */
  deadlineSeconds: number;
  /** acknowledgements per `POST /v1/acks` request; 0: one `POST …/ack` per package */
  ackBatch: number;
  /** what the bare-Fastify delivery baseline needs to answer the same sizes */
  sample?: { item: Record<string, unknown> & { docId: string }; packageBytes: number };
}

/** acknowledgements per POST /v1/acks in the delivery scenario (an inbox page of 100, as an integrator would) */
export const DELIVERY_ACK_BATCH = 100;

function get(url: string, apiKey: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${apiKey}` } });
    req.on('error', reject);
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
    });
    req.end();
  });
}

/**
 * `packages` packages, each to the same 100 agencies, then the 100 drain their inboxes in parallel;
 * `ackBatch` > 0: acknowledged through `POST /v1/acks` that many at a time (as the SDK's ackMany).
 */
export async function delivery(ctx: Ctx, packages: number, agencies: number, ackBatch = 0): Promise<DeliveryResult> {
  const sender = ctx.template.agencies[0]!;
  const drainers = ctx.template.agencies.slice(1, 1 + agencies).map((a) => a.code);
  const hub = await startHub(ctx);
  try {
    const preload = async (first: number) => {
      const bodies = await Promise.all(
        Array.from({ length: packages }, (_, i) => signedPackage(ctx, sender.code, drainers, first + i, 'DELIVERY')),
      );
      for (let i = 0; i < bodies.length; i += 8) {
        const answers = await Promise.all(bodies.slice(i, i + 8).map((b) => post(hub.url, sender.apiKey, b)));
        for (const a of answers) if (a.status !== 201) throw new Error(`delivery preload: ${a.status} ${a.text}`);
      }
    };
    const deadlineSeconds = Math.max(8, ctx.seconds * 4);
    const drain = (label: string) =>
      measure(
        label,
        job(ctx, hub.url, {
          mode: 'delivery',
          clients: drainers.length,
          drainers,
          seconds: deadlineSeconds,
          ...(ackBatch > 0 ? { ackBatch } : {}),
        }),
        hub.pid,
      );
    const label = `delivery, ${drainers.length} agencies draining, ${ackBatch > 0 ? `acks by ${ackBatch} (POST /v1/acks)` : 'one ack per package'}`;
    // the same preload and drain once first, not timed: the hub clients meet has its JIT warm
    await preload(1 + packages);
    const warm = await drain(`${label} (warm-up)`);
    const t0 = performance.now();
    await preload(1);
    const preloadSeconds = (performance.now() - t0) / 1000;
    // one inbox item and one package as the hub serves them (for the bare-Fastify baseline's sizes); the
    // fetch is the first of that delivery (it stays in the inbox until acknowledged)
    const probe = ctx.template.agencies.find((a) => a.code === drainers.at(-1))!;
    const page = await get(`${hub.url}/v1/inbox?limit=1`, probe.apiKey);
    const item = (
      JSON.parse(page.body.toString('utf8')) as { items: Array<NonNullable<DeliveryResult['sample']>['item']> }
    ).items[0];
    const pkg = item ? await get(`${hub.url}/v1/packages/${item.docId}`, probe.apiKey) : undefined;
    const sample = item && pkg?.status === 200 ? { item, packageBytes: pkg.body.length } : undefined;
    const m = { ...(await drain(label)), warmUp: warmUpOf(warm) };
    return {
      ...m,
      preloadedPackages: packages,
      deliveries: packages * drainers.length,
      deadlineSeconds,
      agencies: drainers.length,
      preloadSeconds,
      ackBatch,
      ...(sample ? { sample } : {}),
    };
  } finally {
    await hub.stop();
  }
}

/**
 * Baseline: bare Fastify answering the delivery request pattern (bare-delivery.ts) with the sizes the hub
 * answered in `like`, drained by the same generator for one window.
 */
export async function deliveryBaseline(ctx: Ctx, like: DeliveryResult, ackBatch: number): Promise<Measurement> {
  if (!like.sample) throw new Error('the delivery run recorded no sample item');
  const drainers = ctx.template.agencies.slice(1, 1 + like.agencies);
  const setup: BareDeliverySetup = {
    tokens: drainers.map((a) => a.apiKey),
    packagesPerInbox: like.preloadedPackages,
    item: like.sample.item,
    packageBytes: like.sample.packageBytes,
  };
  const script = fileURLToPath(new URL('./bare-delivery.js', import.meta.url));
  const child = spawn(process.execPath, [script, JSON.stringify(setup)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`bare delivery server exited with ${code}`)));
      child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString('utf8').trim())));
    });
    const label = `bare Fastify, delivery pattern, ${ackBatch > 0 ? `acks by ${ackBatch}` : 'one ack per package'}`;
    const drain = (seconds: number) =>
      job(ctx, `http://127.0.0.1:${port}`, {
        mode: 'delivery',
        clients: drainers.length,
        drainers: drainers.map((a) => a.code),
        seconds,
        ...(ackBatch > 0 ? { ackBatch } : {}),
      });
    // warmed up as the hub is (BARE_WARM_UP_SECONDS of the same load, not timed)
    const warm = await measure(`${label} (warm-up)`, drain(BARE_WARM_UP_SECONDS), child.pid!);
    return { ...(await measure(label, drain(ctx.seconds), child.pid!)), warmUp: warmUpOf(warm) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

export interface SqliteBaseline {
  inserts: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  poolReused: boolean;
}

export function sqliteBaseline(ctx: Ctx): SqliteBaseline {
  const script = fileURLToPath(new URL('./sqlite-baseline.js', import.meta.url));
  const r = spawnSync(process.execPath, [script, JSON.stringify(ctx.pool.files), String(ctx.seconds)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`sqlite baseline failed: ${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as SqliteBaseline;
  console.error(`  bare SQLite: ${result.perSecond.toFixed(0)} inserts/s, p99 ${result.p99.toFixed(2)} ms`);
  return result;
}

export async function fastifyBaseline(ctx: Ctx, clients: number): Promise<Measurement> {
  const script = fileURLToPath(new URL('./bare-fastify.js', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`bare Fastify exited with ${code}`)));
      child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString('utf8').trim())));
    });
    const label = `bare Fastify (drain body), ${clients} clients`;
    const url = `http://127.0.0.1:${port}`;
    const warm = await measure(
      `${label} (warm-up)`,
      job(ctx, url, { protocol: 'bare', clients, cycle: true, seconds: BARE_WARM_UP_SECONDS }),
      child.pid!,
    );
    return {
      ...(await measure(label, job(ctx, url, { protocol: 'bare', clients, cycle: true }), child.pid!)),
      warmUp: warmUpOf(warm),
    };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}
