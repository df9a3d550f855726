// What each throughput target leaves the hub per package on this machine, from the run's own figures:
// the cores, less what the load generator needs at the target rate, shared by the target's packages; set
// beside what the hub spent per package and what its unavoidable parts cost on their own (signature
// verification on one core; the HTTP layer of a bare Fastify server). The measurement that says how far
// a target is from the machine, not only from the hub.
import type { Measurement } from './load.js';
import type { BenchResults } from './report.js';

export interface CpuBudget {
  target: string;
  rate: number;
  /** ms of CPU per package the load generator needs (measured against a bare server, at its fastest) */
  generatorMs: number;
  /** ms of hub CPU per package the machine's cores leave at the target rate */
  budgetMs: number;
  /** ms of event loop per package one event loop can give at the target rate */
  eventLoopBudgetMs: number;
  /** what the hub spent, ms of CPU per package: whole process, and its event loop */
  hubMs: number;
  /** what the PostgreSQL server spent per package, on the same cores (absent on the embedded store) */
  databaseMs?: number;
  hubMainThreadMs: number;
  /** parts no hub can skip, measured alone: label → ms per package */
  floor: Array<{ what: string; ms: number }>;
}

const perPackageMs = (cores: number | undefined, perSecond: number) =>
  cores === undefined || perSecond <= 0 ? Number.NaN : (cores / perSecond) * 1000;

export function coresOf(r: BenchResults): number {
  return Number.parseInt(r.cpus, 10) || 1;
}

/** the embedded store's targets: intake 2,000/s, delivery 5,000/s; `intakeRate` for another store's target */
export function cpuBudgets(r: BenchResults, intakeRate = 2000): CpuBudget[] {
  const cores = coresOf(r);
  const out: CpuBudget[] = [];
  const budget = (
    target: string,
    rate: number,
    hub: Measurement,
    bare: Measurement,
    floor: CpuBudget['floor'],
    hubMs = perPackageMs(hub.serverCores, hub.perSecond),
  ): CpuBudget => {
    const generatorMs = perPackageMs(bare.generatorCores, bare.perSecond);
    const databaseMs = perPackageMs(hub.databaseCores, hub.perSecond);
    return {
      ...(r.store === 'postgres' && !Number.isNaN(databaseMs) ? { databaseMs } : {}),
      target,
      rate,
      generatorMs,
      budgetMs: ((cores - (rate * generatorMs) / 1000) / rate) * 1000,
      eventLoopBudgetMs: 1000 / rate,
      hubMs,
      hubMainThreadMs: perPackageMs(hub.serverMainThreadCores, hub.perSecond),
      floor: [
        ...floor,
        {
          what: 'HTTP: a bare Fastify server answering the same requests',
          ms: perPackageMs(bare.serverCores, bare.perSecond),
        },
      ],
    };
  };
  const intake = r.intake?.find((m) => m.clients === 64 && m.label.includes('/v1'));
  const verify = r.verify?.throughput.find((x) => x.label.includes('ECDSA') && x.label.includes('cached'));
  if (intake && r.fastifyBaseline) {
    out.push(
      budget(`intake ${intakeRate.toLocaleString('en')} signed packages/s`, intakeRate, intake, r.fastifyBaseline, [
        ...(verify
          ? [
              {
                what: 'signature verification of the package alone (one core, chain verdict cached)',
                ms: 1000 / verify.perSecond,
              },
            ]
          : []),
      ]),
    );
  }
  const delivery = r.delivery;
  const bareDelivery = r.deliveryBaselines?.find((b) => b.ackBatch === delivery?.ackBatch);
  if (delivery && bareDelivery) {
    out.push(budget('delivery 5,000 packages/s', 5000, delivery, bareDelivery, [], delivery.serverCpuMsPerPackage));
  }
  return out;
}

const f2 = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(2));

export function budgetSection(r: BenchResults): string[] {
  const budgets = cpuBudgets(r);
  if (budgets.length === 0) return [];
  const lines = [
    '## What the targets leave per package on this machine',
    '',
    `From this run's own figures: the machine's ${coresOf(r)} cores, less what the load generator needs at the target`,
    "rate (its CPU per request against the bare Fastify baseline, where it runs fastest), shared by the target's",
    'packages; beside it what the hub spent per package in its window, and parts that no hub can skip, measured',
    'alone. A single event loop can give at most 1 s / rate per package, whatever the other cores do. Storage is',
    'not among the parts measured alone: the bare-SQLite baseline commits each insert by itself, so its rate is',
    "one of fsyncs, not of CPU; the hub's group commit shares one fsync among many packages.",
    '',
    '| target | hub CPU budget, ms per package | event-loop budget, ms | hub spent, ms (process) | hub spent, ms (event loop) | generator, ms | measured alone, ms |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const b of budgets) {
    const floor = b.floor.map((x) => `${x.what}: ${f2(x.ms)}`).join('; ');
    lines.push(
      `| ${b.target} | ${f2(b.budgetMs)} | ${f2(b.eventLoopBudgetMs)} | ${f2(b.hubMs)} | ${f2(b.hubMainThreadMs)} | ${f2(b.generatorMs)} | ${floor} |`,
    );
  }
  lines.push('');
  for (const b of budgets) {
    const floorMs = b.floor.reduce((s, x) => s + x.ms, 0);
    lines.push(
      `- **${b.target}:** the hub spent ${f2(b.hubMs / b.budgetMs)}× its budget of CPU and ${f2(b.hubMainThreadMs / b.eventLoopBudgetMs)}× its event loop's; the parts measured alone take ${f2(floorMs / b.budgetMs)}× the budget${floorMs > b.budgetMs ? ', so the target is out of reach of any hub doing that work on these cores' : ''}.`,
    );
  }
  lines.push('');
  return lines;
}
