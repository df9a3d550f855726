// CPU profiles of the hub under load: the intake (/v1, 64 clients) and delivery measurements run once
// more on a hub started with `node --cpu-prof`; each thread's profile (the event loop, and the intake
// workers if any) becomes a flame graph in docs/bench/ and a summary in the report. Profiling slows the
// hub down: these runs' throughput is not reported as a measurement.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CpuProfile, flameGraphSvg, lastSeconds, summarizeProfile } from './flame-graph.js';
import type { ProfileResult, ProfileThread } from './report.js';
import { type Ctx, DELIVERY_ACK_BATCH, delivery, intake } from './scenarios.js';

export async function profiledRuns(ctx: Ctx, docsBench: string, deliveryPackages: number): Promise<ProfileResult[]> {
  const out: ProfileResult[] = [];
  const runs: Array<{ name: string; run: (c: Ctx) => Promise<{ label: string; perSecond: number; seconds: number }> }> =
    [
      { name: 'intake', run: async (c) => (await intake(c, [64], ['v1']))[0]! },
      { name: 'delivery', run: (c) => delivery(c, deliveryPackages, 100, DELIVERY_ACK_BATCH) },
    ];
  for (const { name, run } of runs) {
    const dir = mkdtempSync(join(tmpdir(), `lienthong-prof-${name}-`));
    try {
      const stopSeconds: number[] = [];
      const m = await run({ ...ctx, hubNodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir], stopSeconds });
      out.push({
        scenario: name,
        label: m.label,
        perSecondProfiled: m.perSecond,
        threads: threads(dir, name, docsBench, m.seconds, stopSeconds.at(-1) ?? 0),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

/** The event loop's profile and the busiest worker thread's, as flame graphs. */
function threads(
  dir: string,
  scenario: string,
  docsBench: string,
  windowSeconds: number,
  stopSeconds: number,
): ProfileThread[] {
  // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const profiles = files.map((f) => {
    // the window alone: start-up, warm-up and the delivery preload before it are left out, and so is the
    // shutdown after it (its final audit checkpoint, the store's close)
    const profile = lastSeconds(
      JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile,
      windowSeconds,
      stopSeconds,
    );
    const thread = Number(f.split('.')[4]);
    // BENCH_KEEP_PROFILES=<dir>: the window's profiles kept, for a closer look than the flame graphs
    const keep = process.env['BENCH_KEEP_PROFILES'];
    if (keep) writeFileSync(join(keep, `${scenario}-thread-${thread}.cpuprofile`), JSON.stringify(profile));
    return { thread, profile, summary: summarizeProfile(profile) };
  });
  const main = profiles.find((p) => p.thread === 0);
  const workers = profiles.filter((p) => p.thread !== 0).sort((a, b) => b.summary.busyMs - a.summary.busyMs);
  const chosen = [
    ...(main ? [{ ...main, name: 'event loop (main thread)', file: `flame-${scenario}.svg` }] : []),
    ...(workers[0]
      ? [{ ...workers[0], name: `busiest of ${workers.length} worker threads`, file: `flame-${scenario}-worker.svg` }]
      : []),
  ];
  return chosen.map((c) => {
    writeFileSync(join(docsBench, c.file), flameGraphSvg(c.profile, `Hub CPU profile: ${scenario}, ${c.name}`));
    return { name: c.name, file: c.file, summary: c.summary };
  });
}
