import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process in seconds, from /proc/<pid>/stat (fields 14 and 15). */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** utime + stime of a process's main thread (its event loop, for Node) in seconds. */
export function mainThreadCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

/**
 * Seconds a process's main thread was ready to run but waited for a core (the other threads of the
 * machine held them), from /proc/<pid>/task/<pid>/schedstat (its second field, in ns); undefined where
 * the kernel does not keep it. A saturated event loop is busy plus waiting, not busy alone.
 */
export function mainThreadWaitSeconds(pid: number): number | undefined {
  try {
    const waited = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(waited) ? waited / 1e9 : undefined;
  } catch {
    return undefined;
  }
}

function statCpuSeconds(file: string): number {
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The whole machine's CPU time in seconds, from the first line of /proc/stat. */
export interface MachineTimes {
  /** every core, every process (hub, generator, database, anything else), and the time the host took */
  busy: number;
  /** steal: time this virtual machine's cores were ready to run but the host ran something else */
  steal: number;
}

export function machineTimes(): MachineTimes {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return {
    busy: ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND,
    steal: (steal ?? 0) / TICKS_PER_SECOND,
  };
}

/**
 * utime + stime of every process whose command name is `name` (e.g. `postgres`: the server, its
 * background workers and the hub's connections), summed. A process that exits in between is not counted.
 */
export function processesCpuSeconds(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== name) continue;
      total += statCpuSeconds(`/proc/${entry}/stat`);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Percentile (0–100) over all samples, nearest rank. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}
