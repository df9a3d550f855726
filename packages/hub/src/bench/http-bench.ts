// Micro-benchmark of intake over HTTP (POST /v1/packages), hub and client in this process (the
// client's share shows separately in a CPU profile). Uses the packages intake-bench.ts signed.
//   node packages/hub/dist/bench/http-bench.js [packages=1000] [concurrency=64]

import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testConfig } from '../core/hub-test-support.js';
import { startHub } from '../server.js';
import { closedLoop, percentile, timedPhase } from './bench-phase.js';

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

let failed = 0;
const {
  value: lat,
  seconds: secs,
  cpu,
} = await timedPhase('http', () =>
  closedLoop(N, CONCURRENCY, async (i) => {
    if ((await post(packages[i]!)) >= 300) failed++;
  }),
);
console.log(
  `http intake: ${N} packages, ${CONCURRENCY} clients: ${(N / secs).toFixed(0)}/s, p50 ${percentile(lat, 50).toFixed(1)} ms, p99 ${percentile(lat, 99).toFixed(1)} ms, ${failed} failed; process CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms per package (hub + client)`,
);
agent.destroy();
await started.close();
await rm(dataDir, { recursive: true, force: true });
