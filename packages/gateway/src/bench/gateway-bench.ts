// What the gateway costs per package, against its baseline: the SDK signing and submitting the same packages
// itself. One process holds the hub, the gateway and the client, so CPU time is for all of them together; the
// difference between the two variants is the gateway's (local HTTP, validation, spool writes with fsync).
// Runs A/B/A/B. `node --conditions=lienthong-source --import tsx packages/gateway/src/bench/gateway-bench.ts [N]`
import { startGateway } from '../gateway.js';
import { documentPackage, gatewayConfig, testEnv, until } from '../test-support/gateway-test-env.js';

const N = Number(process.argv[2] ?? 100);
const A = '000.00.11.H53';
const B = '000.00.01.A53';

const env = await testEnv([A, B]);
const packages = await Promise.all(Array.from({ length: N * 4 }, (_, i) => documentPackage(A, [B], `bench ${i}`)));
let next = 0;

async function direct(): Promise<void> {
  const client = env.client(A);
  const sign = {
    key: env.agencies[A]!.key,
    certificate: await import('node:fs/promises').then((f) => f.readFile(env.agencies[A]!.cert, 'utf8')),
  };
  for (let i = 0; i < N; i++) await client.submit(packages[next++]!, { sign });
}

let round = 0;
async function viaGateway(): Promise<void> {
  const g = await startGateway(gatewayConfig(env, `bench-${round++}`, [A]));
  try {
    const url = `${g.url}/v1/tenants/${A}/send`;
    for (let i = 0; i < N; i++) {
      const r = await fetch(url, {
        method: 'POST',
        body: packages[next++]!,
        headers: { 'Content-Type': 'application/xml' },
      });
      if (r.status !== 202) throw new Error(`gateway answered ${r.status}: ${await r.text()}`);
    }
    await until(() => g.status().tenants[0]!.outgoing!.queued === 0, 'the spool drained', 600_000);
  } finally {
    await g.close();
  }
}

async function measure(name: string, fn: () => Promise<void>): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `${name.padEnd(12)} ${N} packages: ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms CPU/package, ${(wall / N).toFixed(2)} ms wall/package`,
  );
}

await measure('direct', direct);
await measure('gateway', viaGateway);
await measure('direct', direct);
await measure('gateway', viaGateway);
await env.dispose();
