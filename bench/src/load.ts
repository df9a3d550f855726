// Runs one measurement window: forks the load generator, samples the hub's CPU (utime + stime from
// /proc) and resident set while the generator works, and summarises throughput and latency.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  cpuSeconds,
  type MachineTimes,
  machineTimes,
  mainThreadCpuSeconds,
  mainThreadWaitSeconds,
  percentile,
  processesCpuSeconds,
} from './cpu.js';
import type { WindowBacklog } from './hub-backlog.js';
import type { LoadJob, LoadResult } from './loadgen.js';
import { RssSampler, readRss } from './rss-sampler.js';

const loadgen = fileURLToPath(new URL('./loadgen.js', import.meta.url));
const MiB = 1024 * 1024;

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** what a fresh hub was sent, untimed, before its measured window */
export interface WarmUp {
  packages: number;
  seconds: number;
  perSecond: number;
}

export interface Measurement {
  label: string;
  clients: number;
  /** open loop: offered packages/s */
  offeredRate?: number;
  ok: number;
  errors: number;
  errorSamples: string[];
  seconds: number;
  perSecond: number;
  latencyMs: Latency;
  endToEndMs?: Latency;
  unseen?: number;
  /** open loop: sends skipped because too many requests were outstanding */
  dropped?: number;
  /** open loop: requests abandoned unanswered after the window */
  abandoned?: number;
  /** cores the server process used during the window (CPU seconds / wall seconds) */
  serverCores: number;
  /** of which the hub's main thread (the event loop: 1.0 = saturated); absent from older result files */
  serverMainThreadCores?: number;
  serverPeakRssMb: number;
  serverRssBeforeMb: number;
  /** cores the load generator used */
  generatorCores: number;
  /** cores the whole machine was busy (every process: hub, generator, database, anything else) */
  machineCores?: number;
  /**
   * of which the host took (steal: this virtual machine's cores were ready to run but not given to
   * it); absent from older result files
   */
  stealCores?: number;
  /**
   * cores' worth of time the hub's main thread was ready to run but waited for a core (absent where
   * the kernel does not say, and from older result files)
   */
  serverMainThreadWaitCores?: number;
  /** cores the PostgreSQL server's processes used (near 0 on the embedded store) */
  databaseCores?: number;
  /** delivery: HTTP requests made in the window (inbox pages, fetches, acknowledgements) */
  requests?: number;
  /** delivery: hub CPU (user + system) per package fetched and acknowledged, ms */
  serverCpuMsPerPackage?: number;
  poolExhausted: boolean;
  /** the untimed warm-up the hub had before this window (absent from older result files) */
  warmUp?: WarmUp;
  /** the hub's queues (uninspected attachments, webhooks, federation) at the window's start and end */
  backlog?: WindowBacklog;
}

export function summarise(samples: number[]): Latency {
  const sorted = Float64Array.from(samples).sort();
  const arr = Array.from(sorted);
  return {
    p50: percentile(arr, 50),
    p90: percentile(arr, 90),
    p99: percentile(arr, 99),
    max: arr.at(-1) ?? Number.NaN,
  };
}

export async function measure(label: string, job: LoadJob, serverPid: number): Promise<Measurement> {
  const child = fork(loadgen, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let cpu0 = 0;
  let mainCpu0 = 0;
  let mainWait0: number | undefined;
  let machine0: MachineTimes = { busy: 0, steal: 0 };
  let database0 = 0;
  let wall0 = 0;
  let sampler: RssSampler | undefined;
  const rssBefore = readRss(serverPid);
  const result = await new Promise<LoadResult>((resolve, reject) => {
    child.on('message', (m: { started?: boolean; result?: LoadResult }) => {
      if (m.started) {
        cpu0 = cpuSeconds(serverPid);
        mainCpu0 = mainThreadCpuSeconds(serverPid);
        mainWait0 = mainThreadWaitSeconds(serverPid);
        machine0 = machineTimes();
        database0 = processesCpuSeconds('postgres');
        wall0 = performance.now();
        sampler = new RssSampler(serverPid, 50);
      }
      if (m.result) resolve(m.result);
    });
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
    child.send(job);
  });
  const serverCpu = cpuSeconds(serverPid) - cpu0;
  const mainCpu = mainThreadCpuSeconds(serverPid) - mainCpu0;
  const mainWait1 = mainThreadWaitSeconds(serverPid);
  const machine1 = machineTimes();
  const databaseCpu = processesCpuSeconds('postgres') - database0;
  const wall = (performance.now() - wall0) / 1000;
  const peak = sampler?.stop() ?? readRss(serverPid);
  const m: Measurement = {
    label,
    clients: job.clients,
    ok: result.ok,
    errors: result.errors,
    errorSamples: result.errorSamples,
    seconds: result.seconds,
    perSecond: result.ok / result.seconds,
    latencyMs: summarise(result.latenciesMs),
    serverCores: serverCpu / wall,
    serverMainThreadCores: mainCpu / wall,
    serverPeakRssMb: peak / MiB,
    serverRssBeforeMb: rssBefore / MiB,
    generatorCores: result.cpuSeconds / result.seconds,
    machineCores: (machine1.busy - machine0.busy) / wall,
    stealCores: (machine1.steal - machine0.steal) / wall,
    databaseCores: databaseCpu / wall,
    poolExhausted: result.poolExhausted,
  };
  if (mainWait0 !== undefined && mainWait1 !== undefined) m.serverMainThreadWaitCores = (mainWait1 - mainWait0) / wall;
  if (job.rate) m.offeredRate = job.rate;
  if (result.endToEndMs) m.endToEndMs = summarise(result.endToEndMs);
  if (result.unseen !== undefined) m.unseen = result.unseen;
  if (result.dropped !== undefined) m.dropped = result.dropped;
  if (result.abandoned !== undefined) m.abandoned = result.abandoned;
  if (result.delivered !== undefined) {
    m.perSecond = result.delivered / result.seconds;
    if (result.delivered > 0) m.serverCpuMsPerPackage = (serverCpu * 1000) / result.delivered;
  }
  if (result.requests !== undefined) m.requests = result.requests;
  const tag = result.errors ? ` (${result.errors} errors: ${result.errorSamples[0] ?? ''})` : '';
  console.error(
    `  ${label}: ${m.perSecond.toFixed(0)}/s, p50 ${m.latencyMs.p50.toFixed(1)} ms, p99 ${m.latencyMs.p99.toFixed(1)} ms, server ${m.serverCores.toFixed(2)} cores (main thread ${m.serverMainThreadCores?.toFixed(2)}), generator ${m.generatorCores.toFixed(2)} cores, machine ${m.machineCores?.toFixed(2)}${(m.databaseCores ?? 0) >= 0.01 ? `, PostgreSQL ${m.databaseCores?.toFixed(2)}` : ''} cores${m.serverCpuMsPerPackage ? `, hub ${m.serverCpuMsPerPackage.toFixed(3)} CPU ms/package` : ''}${m.requests ? `, ${(m.requests / m.seconds).toFixed(0)} requests/s` : ''}${m.endToEndMs ? `, e2e p99 ${m.endToEndMs.p99.toFixed(1)} ms` : ''}${m.poolExhausted ? ' [pool exhausted]' : ''}${m.dropped ? ` [${m.dropped} dropped]` : ''}${m.abandoned ? ` [${m.abandoned} abandoned]` : ''}${tag}`,
  );
  return m;
}
