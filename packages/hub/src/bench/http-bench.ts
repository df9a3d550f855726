// Micro-benchmark of intake over HTTP (POST /v1/packages), hub and client in this process (the
// client's share shows separately in a CPU profile). Uses the packages intake-bench.ts signed.
//   node packages/hub/dist/bench/http-bench.js [packages=1000] [concurrency=64]

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { testConfig } from '../core/hub-test-support.js';
import { startHub } from '../server.js';

const N = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 64);

const dataDir = await mkdtemp(join(tmpdir(), 'lt-http-bench-'));
const started = await startHub(testConfig(dataDir), { installSignalHandlers: false });
const sender = started.demo!.featured[0]!;
const cacheFile = join(tmpdir(), `lt-intake-bench-${sender.systemId}-${N}.json`);
if (!existsSync(cacheFile)) throw new Error(`run intake-bench.js ${N} first (it signs the packages)`);
const packages = (JSON.parse(readFileSync(cacheFile, 'utf8')) as string[]).map((p) => Buffer.from(p, 'base64'));
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const url = new URL('/v1/packages', started.url);

function post(body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${sender.apiKey}`,
          'content-type': 'application/xml',
          'content-length': body.length,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const session = process.env.BENCH_PROFILE ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const lat: number[] = [];
let next = 0;
let failed = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    for (;;) {
      const i = next++;
      if (i >= N) return;
      const s = performance.now();
      const status = await post(packages[i]!);
      if (status >= 300) failed++;
      lat.push(performance.now() - s);
    }
  }),
);
const secs = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(join(process.env.BENCH_PROFILE!, 'http.cpuprofile'), JSON.stringify(profile));
  session.disconnect();
}
lat.sort((a, b) => a - b);
const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((lat.length * p) / 100))]!;
console.log(
  `http intake: ${N} packages, ${CONCURRENCY} clients: ${(N / secs).toFixed(0)}/s, p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, ${failed} failed; process CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms per package (hub + client)`,
);
agent.destroy();
await started.close();
await rm(dataDir, { recursive: true, force: true });
