// The benchmark harness (`npm run bench`): runs the scenarios, writes bench/out/results.json (copied to
// docs/bench/results.json), docs/BENCHMARKS.md and its plots (docs/bench/*.svg).
//   --only intake,fanout,delivery,e2e,baselines,large,verify,profile,dashboard   pick scenarios
//                      (profile: flame graphs of the hub's threads under intake and delivery load;
//                      dashboard: the operator dashboard on a store of --documents packages)
//   --seconds N        length of each measurement window (default 5; --quick 2)
//   --quick            short windows, smaller pool and preload, 1 fan-out run (≈2 minutes)
//   --package-mb N     large scenario: attachment size in MiB (default 100)
//   --extra-agencies N agencies added to the demo directory (default 1000, the fan-out needs them)
//   --store sqlite|postgres [--database-url URL]   the hub's store backend
//   --delivery-packages N   delivery: packages preloaded, each to 100 agencies (default 100; --quick 30)
//   --hub-node-args "…"     Node options for every hub process (e.g. "--cpu-prof --cpu-prof-dir /tmp/p")
//   --documents N      dashboard scenario: packages in the store (default 1,000,000; --quick 20,000);
//                      always the embedded store (it is filled directly)
//   --report-only FILE re-render docs/BENCHMARKS.md and the plots from a results.json, measuring nothing
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDashboard } from './dashboard-scenario.js';
import type { StoreSelection } from './hub-process.js';
import { runLargePackage } from './large-package.js';
import { generatePool } from './package-pool.js';
import { postgresStore } from './postgres-databases.js';
import { profiledRuns } from './profile-scenario.js';
import { type BenchResults, renderReport, withHandWritten } from './report.js';
import {
  DELIVERY_ACK_BATCH,
  delivery,
  deliveryBaseline,
  fanOut,
  fastifyBaseline,
  intake,
  openLoop,
  sqliteBaseline,
} from './scenarios.js';
import { writePlots } from './svg.js';
import { prepareTemplate, startFromTemplate } from './template.js';
import { runVerify } from './verify-scenario.js';

const MiB = 1024 * 1024;
const DOCS_BENCH = fileURLToPath(new URL('../../docs/bench/', import.meta.url));
const SCENARIOS = ['intake', 'fanout', 'delivery', 'e2e', 'baselines', 'large', 'verify', 'profile', 'dashboard'];
const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const only = option('--only')?.split(',');
for (const name of only ?? []) {
  if (!SCENARIOS.includes(name)) {
    console.error(`unknown scenario ${name}; scenarios: ${SCENARIOS.join(', ')}`);
    process.exit(64);
  }
}
const wanted = (name: string) => !only || only.includes(name);
const seconds = Number(option('--seconds')) || (quick ? 2 : 5);
const attachmentMb = Number(option('--package-mb')) || 100;

/** The hub's store backend: one flag, passed to every hub the harness starts. */
function storeSelection(): StoreSelection {
  const store = option('--store') ?? 'sqlite';
  if (store === 'sqlite') return { args: [], env: {} };
  if (store === 'postgres') {
    const url = option('--database-url') ?? process.env['LIENTHONG_DATABASE_URL'];
    const backend = fileURLToPath(new URL('../../packages/hub/dist/store/postgres/', import.meta.url));
    if (!existsSync(backend)) {
      console.error('--store postgres: the PostgreSQL store is not available yet in this hub build; nothing was run.');
      process.exit(2);
    }
    if (!url) {
      console.error('--store postgres needs --database-url URL (or LIENTHONG_DATABASE_URL)');
      process.exit(64);
    }
    return postgresStore(url);
  }
  console.error(`--store ${store}: expected sqlite or postgres`);
  process.exit(64);
}

/**
 * Plots and docs/BENCHMARKS.md from a run's results; the file's hand-written part (after the marker) is
 * kept. The embedded store's results lead; a PostgreSQL run's (results-postgres.json) are set beside them.
 */
function writeReport(r: BenchResults, docsBench: string): void {
  const read = (name: string) =>
    existsSync(`${docsBench}${name}`)
      ? (JSON.parse(readFileSync(`${docsBench}${name}`, 'utf8')) as BenchResults)
      : undefined;
  const postgres = r.store === 'postgres' ? r : read('results-postgres.json');
  const main = r.store === 'postgres' ? (read('results.json') ?? r) : r;
  const plots = writePlots(main, docsBench);
  const file = fileURLToPath(new URL('../../docs/BENCHMARKS.md', import.meta.url));
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const report = withHandWritten(renderReport(main, plots, postgres === main ? undefined : postgres), existing);
  writeFileSync(file, report);
  console.log(report);
}

const reportOnly = option('--report-only');
if (reportOnly) {
  // re-render the report and plots from a results.json (no measurement)
  const docsBench = fileURLToPath(new URL('../../docs/bench/', import.meta.url));
  mkdirSync(docsBench, { recursive: true });
  const text = readFileSync(reportOnly, 'utf8');
  const r = JSON.parse(text) as BenchResults;
  // the figures the report shows, beside it
  writeFileSync(`${docsBench}results${r.store === 'postgres' ? '-postgres' : ''}.json`, text);
  writeReport(r, docsBench);
  process.exit(0);
}

const store = storeSelection();
const started = Date.now();
const cpuList = cpus();
const results: BenchResults = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: `${cpuList.length} × ${cpuList[0]?.model.trim() ?? 'unknown CPU'}`,
  store: option('--store') ?? 'sqlite',
  quick,
  secondsPerWindow: seconds,
  commit: git(['rev-parse', '--short', 'HEAD']),
  uncommittedHubChanges: git(['status', '--porcelain', '--', 'packages']) !== '',
  loadAverageAtStart: loadavg()[0],
};

function git(argv: string[]): string {
  const r = spawnSync('git', argv, { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** Runs one scenario; a failure is recorded in the results (and the report) instead of ending the run. */
async function step<T>(name: string, run: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    console.error(`  ${name} FAILED: ${e instanceof Error ? e.message : String(e)}`);
    results.failures = [
      ...(results.failures ?? []),
      { scenario: name, error: e instanceof Error ? e.message : String(e) },
    ];
    return undefined;
  }
}

const needsPool = ['intake', 'e2e', 'baselines', 'profile'].some(wanted);
const needsTemplate = needsPool || wanted('fanout') || wanted('delivery') || wanted('large');
const work = mkdtempSync(join(tmpdir(), 'lienthong-bench-run-'));
try {
  if (needsTemplate) {
    console.error('preparing the demo data directory (+1,000 agencies) …');
    const template = await prepareTemplate(store, Number(option('--extra-agencies') ?? 1000));
    const codes = template.agencies.map((a) => a.code);
    const recipients = codes.slice(0, 20);
    const ctx = {
      template,
      store,
      seconds,
      recipients,
      pool: { files: [], pairs: [], bytes: 0, generationSeconds: 0 } as import('./package-pool.js').Pool,
      // --hub-node-args "--cpu-prof --cpu-prof-dir /tmp/x": Node options for every hub started (ad hoc profiles)
      ...(option('--hub-node-args') ? { hubNodeArgs: option('--hub-node-args')!.split(' ').filter(Boolean) } : {}),
    };
    if (needsPool) {
      const count = Number(option('--pool')) || (quick ? 2500 : 16000);
      console.error(`generating ${count} signed packages (2 processes, not timed) …`);
      ctx.pool = await generatePool({
        dir: work,
        count,
        workers: Math.max(1, cpuList.length),
        senders: codes.slice(20),
        recipients,
        keys: Object.fromEntries(template.agencies.map((a) => [a.code, { certificate: a.certificate, key: a.key }])),
      });
      results.pool = {
        packages: count,
        meanBytes: ctx.pool.bytes / count,
        senders: codes.length - 20,
        recipients: recipients.length,
        generationSeconds: ctx.pool.generationSeconds,
      };
      console.error(
        `  ${count} packages, mean ${(ctx.pool.bytes / count).toFixed(0)} B, ${ctx.pool.generationSeconds.toFixed(1)} s`,
      );
    }
    if (wanted('baselines')) {
      console.error('baselines …');
      results.sqliteBaseline = await step('bare SQLite baseline', () => sqliteBaseline(ctx));
      results.fastifyBaseline = await step('bare Fastify baseline', () => fastifyBaseline(ctx, 64));
    }
    if (wanted('intake')) {
      console.error(`intake: ${seconds} s per window …`);
      results.intake = await step('intake', () => intake(ctx, [1, 16, 64]));
      results.intakeOpen = await step('intake open loop', () => openLoop(ctx, 1000, false));
      const peak = results.intake?.find((m) => m.clients === 64 && m.label.includes('/v1'))?.perSecond;
      if (peak && peak >= 2) {
        const rate = Math.round(peak / 2);
        results.intakeHalfPeak = await step('intake at half the peak', () =>
          openLoop(ctx, rate, false, ' (half the measured peak)'),
        );
      }
    }
    if (wanted('e2e')) {
      console.error('end to end …');
      const e2e = [await step('end to end 100/s', () => openLoop(ctx, 100, true))];
      e2e.push(await step('end to end 500/s', () => openLoop(ctx, 500, true)));
      results.endToEnd = e2e.filter((m) => m !== undefined);
    }
    if (wanted('fanout')) {
      console.error('fan-out …');
      results.fanOut = await step('fan-out', () => fanOut(ctx, [100, 1000], quick ? 1 : 3));
    }
    if (wanted('delivery')) {
      const packages = Number(option('--delivery-packages')) || (quick ? 30 : 100);
      console.error(`delivery: ${packages} packages × 100 agencies …`);
      // as an integrator with the SDK drains: fetch each package, acknowledge them by 100 (POST /v1/acks)
      results.delivery = await step('delivery', () => delivery(ctx, packages, 100, DELIVERY_ACK_BATCH));
      // one POST …/ack per package (VXP's updateStatus pattern, and the SDK's ack)
      results.deliveryPerPackageAck = await step('delivery, one ack per package', () => delivery(ctx, packages, 100));
      // the ceiling: bare Fastify answering the same requests with the same sizes, no hub work
      const like = results.delivery ?? results.deliveryPerPackageAck;
      if (like) {
        results.deliveryBaselines = [];
        for (const batch of [DELIVERY_ACK_BATCH, 0]) {
          const b = await step('bare Fastify delivery baseline', () => deliveryBaseline(ctx, like, batch));
          if (b) results.deliveryBaselines.push({ ...b, ackBatch: batch });
        }
      }
    }
    if (wanted('large')) {
      const attachmentBytes = attachmentMb * MiB;
      console.error(`large: ${attachmentMb} MiB attachment through /v1 …`);
      results.large = await step('large', async () => {
        const hub = await startFromTemplate(template, store);
        try {
          return await runLargePackage(hub, attachmentBytes);
        } finally {
          await hub.stop();
        }
      });
    }
    if (wanted('profile')) {
      console.error('profiles: intake and delivery once more under node --cpu-prof …');
      mkdirSync(DOCS_BENCH, { recursive: true });
      results.profiles = await step('profile', () => profiledRuns(ctx, DOCS_BENCH, quick ? 30 : 100));
    }
    rmSync(template.dir, { recursive: true, force: true });
  }
  if (wanted('verify')) {
    console.error(`verify: signature verification, ${seconds} s per verifier …`);
    results.verify = await step('verify', () => runVerify(seconds));
  }
  if (wanted('dashboard')) {
    const documents = Number(option('--documents')) || (quick ? 20_000 : 1_000_000);
    console.error(`dashboard: ${documents.toLocaleString('en')} packages filled, then the dashboard over HTTP …`);
    const started = new Date().toISOString();
    const loadAtStart = loadavg()[0] ?? 0;
    const d = await step('dashboard', () => runDashboard(documents));
    if (d) results.dashboard = { ...d, date: started, loadAverageAtStart: loadAtStart };
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  store.dispose?.();
}
results.totalSeconds = (Date.now() - started) / 1000;
results.loadAverageAtEnd = loadavg()[0];

const out = fileURLToPath(new URL('../out/', import.meta.url));
const docsBench = DOCS_BENCH;
mkdirSync(out, { recursive: true });
mkdirSync(docsBench, { recursive: true });
const json = `${JSON.stringify(results, null, 2)}\n`;
writeFileSync(`${out}results${results.store === 'postgres' ? '-postgres' : ''}.json`, json);
writeFileSync(`${docsBench}results${results.store === 'postgres' ? '-postgres' : ''}.json`, json);
writeReport(results, docsBench);
console.error(`done in ${results.totalSeconds.toFixed(0)} s`);
