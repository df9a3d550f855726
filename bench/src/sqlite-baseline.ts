// Baseline (a): the same package bytes inserted into SQLite with the hub's durability (WAL,
// synchronous=FULL, one transaction per package), better-sqlite3, one writer, no hub. Prints JSON.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readPool } from './package-pool.js';

const [filesArg, secondsArg] = process.argv.slice(2);
const pool = readPool(JSON.parse(filesArg!) as string[]);
const seconds = Number(secondsArg);
const dir = mkdtempSync(join(tmpdir(), 'lienthong-sqlite-baseline-'));
const db = new Database(join(dir, 'baseline.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(
  'CREATE TABLE packages (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, document_id TEXT NOT NULL UNIQUE, body BLOB NOT NULL)',
);
const insert = db.prepare('INSERT INTO packages (sha256, document_id, body) VALUES (?, ?, ?)');
const one = db.transaction((sha: string, docId: string, body: Buffer) => insert.run(sha, docId, body));
const latencies: number[] = [];
const t0 = performance.now();
const deadline = t0 + seconds * 1000;
let i = 0;
let exhausted = false;
while (performance.now() < deadline) {
  // the pool is reused when it runs out; the keys stay unique (round number appended)
  const round = Math.floor(i / pool.length);
  if (round > 0) exhausted = true;
  const body = pool[i % pool.length]!;
  const started = performance.now();
  one(`${createHash('sha256').update(body).digest('hex')}:${round}`, `pool-${i}`, body);
  latencies.push(performance.now() - started);
  i++;
}
const elapsed = (performance.now() - t0) / 1000;
db.close();
rmSync(dir, { recursive: true, force: true });
latencies.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    inserts: i,
    seconds: elapsed,
    perSecond: i / elapsed,
    p50: latencies[Math.floor(latencies.length * 0.5)] ?? 0,
    p99: latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)] ?? 0,
    poolReused: exhausted,
  }),
);
