// What the in-process micro-benchmarks share: timing a phase (with a CPU profile of it alone when
// BENCH_PROFILE=<dir> is set) and running N tasks over a fixed number of concurrent callers.

import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface PhaseResult<T> {
  value: T;
  seconds: number;
  /** this process's CPU over the phase, all threads */
  cpu: NodeJS.CpuUsage;
  /** milliseconds the main thread's event loop was busy over the phase (event-loop utilization: wall time, not CPU) */
  loopActiveMs: number;
  /** CPU milliseconds of the main thread alone over the phase (Linux: /proc; undefined elsewhere) */
  mainThreadCpuMs: number | undefined;
}

/**
 * Runs one phase; with BENCH_PROFILE set, writes `<dir>/<name>.cpuprofile` of that phase only, and with
 * BENCH_HEAP_PROFILE=<dir> `<dir>/<name>.heapprofile`: where the phase allocated, garbage included.
 */
export async function timedPhase<T>(name: string, fn: () => Promise<T>): Promise<PhaseResult<T>> {
  const dir = process.env.BENCH_PROFILE;
  const heapDir = process.env.BENCH_HEAP_PROFILE;
  const session = dir || heapDir ? new Session() : undefined;
  if (session) session.connect();
  if (session && dir) {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  if (session && heapDir) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const main0 = mainThreadCpuMs();
  const value = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const loopActiveMs = performance.eventLoopUtilization(elu0).active;
  const main1 = mainThreadCpuMs();
  if (session && dir) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  }
  if (session && heapDir) {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(join(heapDir, `${name}.heapprofile`), JSON.stringify(profile));
  }
  session?.disconnect();
  const mainCpu = main0 === undefined || main1 === undefined ? undefined : main1 - main0;
  return { value, seconds, cpu, loopActiveMs, mainThreadCpuMs: mainCpu };
}

/** User + system CPU of the main thread (its task's utime and stime, in clock ticks of 10 ms). */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Closed loop: `concurrency` callers take tasks 0…n-1 in turn; returns each task's latency in ms, sorted. */
export async function closedLoop(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const s = performance.now();
        await task(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

/** The p-th percentile (nearest rank) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}
