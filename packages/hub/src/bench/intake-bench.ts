// Micro-benchmark of the hub's core paths, in process (no HTTP): signed ~10 KB packages submitted by
// N concurrent callers, fan-out to many recipients, inbox → fetch → acknowledge. Used to measure each
// optimisation of issue 4 before and after on the same machine; not part of `npm test`.
//   node packages/hub/dist/bench/intake-bench.js [packages=2000] [concurrency=64]
// BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres: the store on a fresh PostgreSQL
// database made on that server (dropped afterwards) instead of SQLite; the statements printed per
// package are then round trips to the server (one per query, however many statements it carries).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { signPackage } from '@lienthong/trust';
import type { HubContext } from '../core/hub-context.js';
import { as, body, collectStream, documentPackage, startTestHub } from '../core/hub-test-support.js';
import type { StatementCounter } from '../store/sqlite/statement-cache.js';
import { closedLoop, percentile, timedPhase } from './bench-phase.js';

const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 64);
// BENCH_WARMUP=<n>: n more packages submitted first, not measured (the JIT warm, as in a running hub)
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 0);

async function run(): Promise<void> {
  // BENCH_WORKERS=n: intake.workers (default one per core)
  const workers = process.env['BENCH_WORKERS'];
  const databaseUrl = process.env['BENCH_DATABASE_URL'];
  if (databaseUrl) process.env['LIENTHONG_TEST_DATABASE_URL'] = databaseUrl;
  const t = await startTestHub(workers === undefined ? {} : { intakeWorkers: Number(workers) });
  // the SQLite store counts its statements: printed per package after each phase
  const statements = (t.hub as unknown as { ctx: HubContext }).ctx.store as unknown as {
    statements?: StatementCounter;
  };
  // BENCH_STATEMENTS=<n>: the n most frequent statements too (BENCH_STATEMENTS_TIME=1: and their time)
  const shown = Number(process.env.BENCH_STATEMENTS ?? 0);
  if (shown > 0) statements.statements?.detail(process.env.BENCH_STATEMENTS_TIME === '1');
  const perPackage = (n: number): string => {
    const c = statements.statements;
    if (!c) return '';
    const ms = c.msBySql;
    const top = [...(c.bySql?.entries() ?? [])]
      .sort((a, b) => (ms ? (ms.get(b[0]) ?? 0) - (ms.get(a[0]) ?? 0) : b[1] - a[1]))
      .slice(0, shown)
      .map(
        ([q, k]) =>
          `\n  ${(k / n).toFixed(2)}${ms ? ` ${((ms.get(q) ?? 0) / n).toFixed(3)} ms` : ''}  ${q.slice(0, 100)}`,
      )
      .join('');
    const what = databaseUrl ? 'round trips to PostgreSQL' : 'SQL statements';
    const gc = (statements as { groupCommit?: { stats: { batches: number; items: number } } }).groupCommit?.stats;
    const batches = gc && gc.batches > 0 ? `, ${(gc.items / gc.batches).toFixed(1)} transactions per group commit` : '';
    if (gc) {
      gc.batches = 0;
      gc.items = 0;
    }
    const line = `; ${(c.total / n).toFixed(1)} ${what} per package${batches}${top}`;
    c.reset();
    return line;
  };
  const demo = await t.hub.initDemo();
  const sender = demo.featured[0]!;
  const recipient = demo.featured[1]!;
  const key = await readFile(sender.certificate ? sender.key! : '', 'utf8');
  const certificate = await readFile(sender.certificate!, 'utf8');
  // every package's attachment its own content (as the harness's are): each is inspected in the background
  const attachment = (i: number) => {
    const a = Buffer.alloc(6 * 1024, 0x41);
    a.writeUInt32BE(i);
    return a;
  };
  const packages: Buffer[] = [];
  // signing is the client's cost: packages are signed once and kept for later runs
  const cacheFile = join(tmpdir(), `lt-intake-bench-${sender.systemId}-${N + WARMUP}-distinct.json`);
  const cached = existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as string[]) : undefined;
  for (const p of cached ?? []) packages.push(Buffer.from(p, 'base64'));
  for (let i = packages.length; i < N + WARMUP; i++) {
    const pkg = await documentPackage(sender.systemId, [recipient.systemId], {
      attachments: [{ attachmentName: 'a.pdf', contentType: 'application/pdf', content: attachment(i) }],
      subject: `bench ${i}`,
    });
    const signed = await signPackage(
      async function* () {
        yield pkg;
      },
      { key, certificate },
    );
    packages.push(await collectStream(signed.bytes()));
  }
  if (!cached) writeFileSync(cacheFile, JSON.stringify(packages.map((p) => p.toString('base64'))));
  const avg = packages.reduce((s, p) => s + p.length, 0) / packages.length;

  // BENCH_WEBHOOKS=idle: the webhook dispatcher runs (as under `serve`) with no webhook registered;
  // =push: the recipient has a webhook (a loopback receiver answering 204) and every package is pushed
  const webhooks = process.env['BENCH_WEBHOOKS'];
  let receiver: import('node:http').Server | undefined;
  let pushed = 0;
  if (webhooks === 'push') {
    const { createServer } = await import('node:http');
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        pushed++;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as import('node:net').AddressInfo).port;
    await t.hub.webhooks.set(as(recipient.systemId), { url: `http://127.0.0.1:${port}/hook` });
  }
  if (webhooks === 'idle' || webhooks === 'push') t.hub.startWebhookDispatcher();

  // intake (BENCH_PROFILE=<dir>: a CPU profile of each phase alone)
  const docIds: string[] = [];
  if (WARMUP > 0) {
    await closedLoop(WARMUP, CONCURRENCY, async (i) => {
      await t.hub.submit({ principal: as(sender.systemId), body: body(packages[N + i]!), messageType: 'auto' });
    });
    await t.hub.waitForInspections();
  }
  const server = databaseUrl ? await serverCpu(statements) : undefined;
  statements.statements?.reset();
  const {
    value: lat,
    seconds: secs,
    cpu,
    loopActiveMs,
    mainThreadCpuMs,
  } = await timedPhase('intake', () =>
    closedLoop(N, CONCURRENCY, async (i) => {
      const r = await t.hub.submit({ principal: as(sender.systemId), body: body(packages[i]!), messageType: 'auto' });
      docIds.push(r.docId);
    }).then(async (latencies) => {
      // the attachments' background inspection is part of what a package costs the hub
      await t.hub.waitForInspections();
      return latencies;
    }),
  );
  console.log(
    `intake: ${N} signed packages of ${(avg / 1024).toFixed(1)} KiB, ${CONCURRENCY} concurrent: ${(N / secs).toFixed(0)}/s, p50 ${percentile(lat, 50).toFixed(1)} ms, p99 ${percentile(lat, 99).toFixed(1)} ms; hub process CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms per package (${(cpu.system / 1000 / N).toFixed(2)} system), main thread CPU ${mainThreadCpuMs === undefined ? '?' : (mainThreadCpuMs / N).toFixed(2)} ms per package, event loop busy (wall) ${(loopActiveMs / N).toFixed(2)} ms per package${perPackage(N)}`,
  );
  if (server) {
    const used = await server();
    console.log(
      `PostgreSQL: this database's backends ${(used.backends / N).toFixed(2)} ms CPU per package (${used.count} backends), the server's own processes (WAL writer, checkpointer…; shared with anything else on the server) ${(used.background / N).toFixed(2)} ms per package; load average ${loadavg()[0]!.toFixed(1)}`,
    );
  }

  if (webhooks === 'push') {
    const t3 = performance.now();
    const before = process.cpuUsage();
    while (pushed < N) {
      await t.hub.webhooksIdle();
      await new Promise((r) => setTimeout(r, 20));
    }
    const c = process.cpuUsage(before);
    console.log(
      `webhooks: ${pushed} pushed; draining what intake left queued took ${(performance.now() - t3).toFixed(0)} ms, ${((c.user + c.system) / 1000).toFixed(0)} ms CPU`,
    );
  }

  const cc = t.hub.pki.chainCache;
  if (cc) console.log(`chain cache: ${cc.hits} hits, ${cc.misses} misses`);

  // BENCH_INTAKE_ONLY=1: stop after the intake phase (A/B runs of the write path)
  if (process.env['BENCH_INTAKE_ONLY'] === '1') {
    await t.dispose();
    return;
  }

  // delivery: fetch (read the whole package), acknowledge done
  const rp = as(recipient.systemId);
  const {
    value: dl,
    seconds: dsecs,
    cpu: dcpu,
  } = await timedPhase('delivery', () =>
    closedLoop(docIds.length, 16, async (i) => {
      const stream = await t.hub.openPackage(rp, docIds[i]!);
      await collectStream(stream.stream);
      await t.hub.acknowledge(rp, docIds[i]!, 'done');
    }),
  );
  console.log(
    `delivery: ${dl.length} fetched + acknowledged, 16 concurrent: ${(dl.length / dsecs).toFixed(0)}/s, p99 ${percentile(dl, 99).toFixed(1)} ms; CPU ${((dcpu.user + dcpu.system) / 1000 / dl.length).toFixed(2)} ms per package${perPackage(dl.length)}`,
  );

  // fan-out: one package to 1,000 recipients (demo agencies topped up with generated ones)
  const everyone = demo.all.map((c) => c.systemId).filter((c) => c !== sender.systemId);
  for (let i = 0; everyone.length < 1000; i++) {
    const code = `9${String(Math.floor(i / 100)).padStart(2, '0')}.${String(i % 100).padStart(2, '0')}.00.Z01`;
    await t.hub.addAgency({ code, name: `Cơ quan thử ${i}` });
    everyone.push(code);
  }
  const fan = await documentPackage(sender.systemId, everyone, { subject: 'fan-out' });
  const t2 = performance.now();
  const fr = await t.hub.submit({ principal: as(sender.systemId), body: body(fan), messageType: 'auto' });
  console.log(`fan-out: ${fr.recipients.length} recipients committed in ${(performance.now() - t2).toFixed(0)} ms`);
  await t.dispose();
  receiver?.close();
}

/**
 * CPU (utime + stime, /proc) of the PostgreSQL server's processes from now to the call of the function
 * returned: the backends of the store's database, and the server's background processes. The server must
 * run on this machine (the bench's PostgreSQL on 127.0.0.1).
 */
async function serverCpu(
  store: unknown,
): Promise<() => Promise<{ backends: number; background: number; count: number }>> {
  const pool = (store as { pool?: import('pg').Pool }).pool;
  if (!pool) throw new Error('BENCH_DATABASE_URL: the store has no pg pool');
  const ticks = sysconfClockTicks();
  const cpuMs = (pid: number): number => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()!.trim().split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / ticks;
    } catch {
      return Number.NaN;
    }
  };
  const sample = async (): Promise<{ mine: Map<number, number>; other: Map<number, number> }> => {
    const r = await pool.query<{ pid: number; mine: boolean }>(
      `SELECT pid, datname = current_database() AS mine FROM pg_stat_activity
       WHERE datname = current_database() OR backend_type IN ('walwriter', 'checkpointer', 'background writer', 'autovacuum launcher', 'logical replication launcher')`,
    );
    const mine = new Map<number, number>();
    const other = new Map<number, number>();
    for (const row of r.rows) (row.mine ? mine : other).set(row.pid, cpuMs(row.pid));
    return { mine, other };
  };
  const before = await sample();
  return async () => {
    const after = await sample();
    const delta = (a: Map<number, number>, b: Map<number, number>): number => {
      let s = 0;
      for (const [pid, ms] of a) if (Number.isFinite(ms)) s += ms - (b.get(pid) ?? 0);
      return s;
    };
    return {
      backends: delta(after.mine, before.mine),
      background: delta(after.other, before.other),
      count: after.mine.size,
    };
  };
}

/** USER_HZ: 100 on Linux (what /proc/<pid>/stat counts in) */
function sysconfClockTicks(): number {
  return 100;
}

await run();
