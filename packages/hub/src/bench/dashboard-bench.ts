// Benchmark of the operator dashboard on a large store (not part of npm test):
//   node packages/hub/dist/bench/dashboard-bench.js [documents=1000000] [--keep DIR] [--json FILE]
// (--keep DIR: the data directory is kept, and a store filled there before with the same count is measured
// again without filling it; --json FILE: the figures as JSON, for the `npm run bench` harness)
// 1. starts a hub with the demo directory and console accounts (embedded SQLite), stops it;
// 2. fills its database directly (multi-row prepared inserts, one transaction per 20,000 packages):
//    `documents` over the last 365 days across the demo agencies (90 % documents, 10 % statuses),
//    1–4 deliveries each (1 % still pending), a valid XML signature for the documents of 88 % of the
//    senders; the counters follow;
// 3. starts the hub again and times its statistics aggregator catching up on all of it;
// 4. signs in as the national operator and measures GET /console/api/ops/dashboard over HTTP with
//    several filter combinations (sequential requests: p50/p99 per combination), and the document
//    search (by number, by words of the subject).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../observability/create-logger.js';
import { type StartedHub, startHub } from '../server.js';
import { httpCall } from '../test-support/http-request.js';

const args = process.argv.slice(2);
const TOTAL = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const keepAt = args.indexOf('--keep');
const dataDir =
  keepAt >= 0 && args[keepAt + 1] ? args[keepAt + 1]! : mkdtempSync(join(tmpdir(), 'lt-dashboard-bench-'));
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const REQUESTS = 40;

const config = loadConfig({
  env: {},
  overrides: {
    dataDir,
    demo: true,
    listen: { host: '127.0.0.1', port: 0 },
    log: { level: 'warn', pretty: false },
    intake: { workers: 0 },
  },
});
const start = () => startHub(config, { logger: createLogger(config.log), installSignalHandlers: false });

let hub: StartedHub = await start();
const demo = hub.demo!;
const agencies = (await hub.hub.listAgencies()).filter((a) => !a.isTenant && !a.tenantId).map((a) => a.code);
await hub.close();
console.log(
  `demo directory: ${agencies.length} agencies; filling ${TOTAL.toLocaleString('en')} packages into ${dataDir}`,
);

// ---- fill ----
const fillStart = performance.now();
const db = new SQLite(join(dataDir, 'hub.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = OFF');
// every transaction below inserts whole packages (document, deliveries, signature); rows are flushed by kind
db.pragma('foreign_keys = OFF');
const existing = Number(
  (db.prepare("select value from counters where name = 'document_seq'").get() as { value: number }).value,
);
// with --keep DIR, a store filled by an earlier run with the same count is measured again (fill skipped)
const refill = existing === 0;
if (!refill && existing !== TOTAL)
  throw new Error(`the store has ${existing} packages already (not ${TOTAL}): use a fresh data dir`);
if (!refill) console.log(`the store holds ${existing.toLocaleString('en')} packages already: fill skipped`);
const now = Date.now();
const span = 365 * 24 * 3600 * 1000;
const signing = new Set(agencies.filter((_, i) => i % 8 !== 7)); // 7 of 8 senders sign
let rng = 42;
const random = () => {
  rng = (rng * 1103515245 + 12345) & 0x7fffffff;
  return rng / 0x7fffffff;
};
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
const SUBJECT_WORDS = [
  'Quyết định',
  'về việc',
  'phê duyệt',
  'kế hoạch',
  'đầu tư công',
  'năm 2026',
  'báo cáo',
  'tình hình',
  'thực hiện',
  'chuyển đổi số',
  'cải cách hành chính',
  'ngân sách',
];

const ROWS = 400; // rows per statement
const docCols = [
  'doc_id',
  'seq',
  'message_type',
  'sender',
  'submitted_by',
  'document_id',
  'business_type',
  'subject',
  'code_number',
  'code_notation',
  'status_code',
  'blob_key',
  'xml_start',
  'xml_end',
  'sha256',
  'size',
  'accepted_at',
];
const delCols = ['doc_id', 'recipient', 'seq', 'message_type', 'state', 'created_at', 'updated_at'];
const sigCols = ['doc_id', 'status', 'weak', 'policy', 'reasons', 'checked_at'];
const insert = (table: string, cols: string[], rows: number) =>
  db.prepare(
    `insert into ${table} (${cols.join(',')}) values ${Array.from({ length: rows }, () => `(${cols.map(() => '?').join(',')})`).join(',')}`,
  );
const stmts = new Map<string, SQLite.Statement>();
const flush = (table: string, cols: string[], values: unknown[], force: boolean) => {
  const width = cols.length;
  while (values.length >= ROWS * width || (force && values.length > 0)) {
    const rows = Math.min(ROWS, values.length / width);
    const key = `${table}:${rows}`;
    let stmt = stmts.get(key);
    if (!stmt) {
      stmt = insert(table, cols, rows);
      stmts.set(key, stmt);
    }
    stmt.run(values.splice(0, rows * width));
  }
};

let deliverySeq = 0;
const BATCH = 20_000;
for (let base = 0; refill && base < TOTAL; base += BATCH) {
  const docs: unknown[] = [];
  const dels: unknown[] = [];
  const sigs: unknown[] = [];
  db.transaction(() => {
    for (let i = base; i < Math.min(TOTAL, base + BATCH); i++) {
      const seq = i + 1;
      const docId = seq.toString(16).padStart(24, '0');
      const at = now - span + Math.floor((i / TOTAL) * span);
      const isStatus = i % 10 === 9;
      const sender = pick(agencies);
      const sha = `${docId}${'0'.repeat(40)}`;
      const number = String(1 + (i % 99_999));
      const subject = isStatus
        ? null
        : `${pick(SUBJECT_WORDS)} ${pick(SUBJECT_WORDS)} ${pick(SUBJECT_WORDS)} số ${number}`;
      docs.push(
        docId,
        seq,
        isStatus ? 'status' : 'edoc',
        sender,
        sender,
        isStatus ? null : `${sender},2026/01/01,${number}/QĐ-${i}`,
        isStatus ? null : 0,
        subject,
        isStatus ? null : number,
        isStatus ? null : 'QĐ-UBND',
        isStatus ? pick(['01', '02', '03', '04', '05', '06']) : null,
        sha,
        0,
        100,
        sha,
        1000,
        at,
      );
      if (!isStatus && signing.has(sender)) sigs.push(docId, 'valid', 0, 'report', '[]', at);
      const fan = isStatus ? 1 : 1 + Math.floor(random() * 4);
      const to = new Set<string>();
      while (to.size < fan) {
        const r = pick(agencies);
        if (r !== sender) to.add(r);
      }
      for (const r of to) {
        dels.push(docId, r, ++deliverySeq, isStatus ? 'status' : 'edoc', random() < 0.01 ? 'pending' : 'done', at, at);
      }
      flush('documents', docCols, docs, false);
      flush('deliveries', delCols, dels, false);
      flush('document_signatures', sigCols, sigs, false);
    }
    flush('documents', docCols, docs, true);
    flush('deliveries', delCols, dels, true);
    flush('document_signatures', sigCols, sigs, true);
    db.prepare("update counters set value = ? where name = 'document_seq'").run(Math.min(TOTAL, base + BATCH));
    db.prepare("update counters set value = ? where name = 'delivery_seq'").run(deliverySeq);
  })();
  if ((base / BATCH) % 10 === 0) process.stdout.write(`  ${(base + BATCH).toLocaleString('en')} packages\r`);
}
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();
const fillSeconds = (performance.now() - fillStart) / 1000;
if (refill)
  console.log(
    `filled ${TOTAL.toLocaleString('en')} packages and ${deliverySeq.toLocaleString('en')} deliveries in ${fillSeconds.toFixed(1)} s`,
  );

// ---- aggregator catch-up ----
// the aggregator starts folding with the hub: what it folds is everything after the cursor it finds
const foldedBefore = (() => {
  const d = new SQLite(join(dataDir, 'hub.sqlite'), { readonly: true });
  try {
    return Number(
      (d.prepare("select value from stats_cursor where name = 'documents'").get() as { value: number }).value,
    );
  } finally {
    d.close();
  }
})();
const catchStart = performance.now();
const cpuStart = process.cpuUsage();
hub = await start();
await hub.hub.ops.aggregator.catchUp();
const folded = TOTAL - foldedBefore;
const catchSeconds = (performance.now() - catchStart) / 1000;
const catchCpu = process.cpuUsage(cpuStart);
const catchCpuSeconds = (catchCpu.user + catchCpu.system) / 1e6;
console.log(
  `aggregator caught up on ${folded.toLocaleString('en')} packages in ${catchSeconds.toFixed(1)} s (CPU ${catchCpuSeconds.toFixed(1)} s${folded ? `, ${Math.round(folded / catchSeconds).toLocaleString('en')} packages/s` : ''})`,
);

// ---- dashboard over HTTP ----
const account = demo.console?.find((a) => a.role === 'national_operator');
if (!account) throw new Error('no demo national operator');
const signIn = await httpCall(`${hub.url}/console/api/session`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: account.username, password: account.password }),
});
if (signIn.status !== 200) throw new Error(`sign-in: ${signIn.status} ${signIn.text()}`);
const cookie = String([signIn.headers['set-cookie']].flat()[0]).split(';')[0]!;

const busiest = agencies[3]!;
const combos: Array<[string, string]> = [
  ['this year (by month)', 'preset=year'],
  ['last 30 days (by day)', 'preset=30d'],
  ['last 7 days', 'preset=7d'],
  ['today', 'preset=today'],
  ['year, level 2', 'preset=year&level=2'],
  ['year, one agency', `preset=year&agency=${encodeURIComponent(busiest)}`],
  ['90 days, level 1', `from=${day(now - 89 * 86400e3)}&to=${day(now)}&level=1`],
  ['year, this hub', `preset=year&hub=${encodeURIComponent(config.hubId)}`],
];
const searches: Array<[string, string]> = [
  ['search: number/notation', `q=${encodeURIComponent('4242/QĐ-UBND')}`],
  ['search: subject words (folded)', `subject=${encodeURIComponent('chuyen doi so')}`],
  [
    'search: sender + date range',
    `sender=${encodeURIComponent(busiest)}&from=${day(now - 30 * 86400e3)}&to=${day(now)}`,
  ],
];

function day(ms: number): string {
  return new Date(ms + 7 * 3600e3).toISOString().slice(0, 10);
}

async function measure(path: string): Promise<{ p50: number; p99: number; max: number; cpu: number; sample: unknown }> {
  const times: number[] = [];
  let sample: unknown;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const r = await httpCall(`${hub.url}${path}`, { headers: { cookie } });
    times.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text()}`);
    sample = r.json();
  }
  const used = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
  return { p50: q(0.5), p99: q(0.99), max: times.at(-1)!, cpu: (used.user + used.system) / 1000 / REQUESTS, sample };
}

interface Row {
  name: string;
  kind: 'dashboard' | 'search';
  p50: number;
  p99: number;
  max: number;
  cpuMs: number;
}
const rows: Row[] = [];
const lines: string[] = [];
let kpis: Record<string, number> | undefined;
for (const [name, query] of [...combos, ...searches]) {
  const kind = name.startsWith('search') ? 'search' : 'dashboard';
  const path = kind === 'search' ? `/console/api/ops/documents?${query}` : `/console/api/ops/dashboard?${query}`;
  const m = await measure(path);
  rows.push({ name, kind, p50: m.p50, p99: m.p99, max: m.max, cpuMs: m.cpu });
  const line = `| ${name} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ${m.max.toFixed(1)} | ${m.cpu.toFixed(1)} |`;
  lines.push(line);
  console.log(line);
  if (name === 'this year (by month)') {
    kpis = (m.sample as { kpis: Record<string, number> }).kpis;
    console.log(`  figures: ${JSON.stringify(kpis)}`);
  }
}
const load = loadavg();
console.log(
  `\n| filters | p50 ms | p99 ms | max ms | CPU ms/request |\n|---|---:|---:|---:|---:|\n${lines.join('\n')}`,
);
console.log(`load average at the end: ${load.map((l) => l.toFixed(1)).join(' ')}`);
const dashboardRows = rows.filter((r) => r.kind === 'dashboard');
console.log(`worst dashboard p99: ${Math.max(...dashboardRows.map((r) => r.p99)).toFixed(1)} ms`);

await hub.close();
if (jsonFile) {
  writeFileSync(
    jsonFile,
    `${JSON.stringify(
      {
        documents: TOTAL,
        requestsPerCombination: REQUESTS,
        ...(refill ? { fillSeconds, deliveries: deliverySeq } : {}),
        catchUp: { packages: folded, seconds: catchSeconds, cpuSeconds: catchCpuSeconds },
        kpis,
        rows,
        loadAverageAtEnd: load[0],
      },
      null,
      2,
    )}\n`,
  );
}
if (keepAt < 0) rmSync(dataDir, { recursive: true, force: true });
