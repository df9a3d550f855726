import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, read from /proc (Linux). */
export function readRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Samples a process's RSS on an interval and keeps the peak, until stopped. */
export class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(
    private readonly pid: number,
    intervalMs = 20,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }
  private sample(): void {
    try {
      this.peak = Math.max(this.peak, readRss(this.pid));
    } catch {
      // the process may be gone; the peak so far stands
    }
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}
