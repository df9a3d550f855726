// Micro-benchmark of the hub's core paths, in process (no HTTP): signed ~10 KB packages submitted by
// N concurrent callers, fan-out to many recipients, inbox → fetch → acknowledge. Used to measure each
// optimisation of issue 4 before and after on the same machine; not part of `npm test`.
//   node packages/hub/dist/bench/intake-bench.js [packages=2000] [concurrency=64]

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { signPackage } from '@lienthong/trust';
import { as, body, collectStream, documentPackage, startTestHub } from '../core/hub-test-support.js';

const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 64);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

async function run(): Promise<void> {
  const t = await startTestHub();
  const demo = await t.hub.initDemo();
  const sender = demo.featured[0]!;
  const recipient = demo.featured[1]!;
  const key = await readFile(sender.certificate ? sender.key! : '', 'utf8');
  const certificate = await readFile(sender.certificate!, 'utf8');
  const attachment = Buffer.alloc(6 * 1024, 0x41);
  const packages: Buffer[] = [];
  // signing is the client's cost: packages are signed once and kept for later runs
  const cacheFile = join(tmpdir(), `lt-intake-bench-${sender.systemId}-${N}.json`);
  const cached = existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as string[]) : undefined;
  for (const p of cached ?? []) packages.push(Buffer.from(p, 'base64'));
  for (let i = packages.length; i < N; i++) {
    const pkg = await documentPackage(sender.systemId, [recipient.systemId], {
      attachments: [{ attachmentName: 'a.pdf', contentType: 'application/pdf', content: attachment }],
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

  // intake
  const lat: number[] = [];
  let next = 0;
  const docIds: string[] = [];
  // BENCH_PROFILE=<dir>: a CPU profile of the intake phase alone
  const session = process.env.BENCH_PROFILE ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const i = next++;
        if (i >= N) return;
        const s = performance.now();
        const r = await t.hub.submit({ principal: as(sender.systemId), body: body(packages[i]!), messageType: 'auto' });
        lat.push(performance.now() - s);
        docIds.push(r.docId);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(process.env.BENCH_PROFILE!, 'intake.cpuprofile'), JSON.stringify(profile));
    session.disconnect();
  }
  lat.sort((a, b) => a - b);
  console.log(
    `intake: ${N} signed packages of ${(avg / 1024).toFixed(1)} KiB, ${CONCURRENCY} concurrent: ${(N / secs).toFixed(0)}/s, p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms; hub process CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms per package (${(cpu.system / 1000 / N).toFixed(2)} system)`,
  );

  const cc = t.hub.pki.chainCache;
  if (cc) console.log(`chain cache: ${cc.hits} hits, ${cc.misses} misses`);

  // delivery: inbox pages, fetch (read the whole package), acknowledge done
  const rp = as(recipient.systemId);
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const t1 = performance.now();
  let delivered = 0;
  const dl: number[] = [];
  await Promise.all(
    Array.from({ length: 16 }, async (_, w) => {
      for (let i = w; i < docIds.length; i += 16) {
        const s = performance.now();
        const stream = await t.hub.openPackage(rp, docIds[i]!);
        await collectStream(stream.stream);
        await t.hub.acknowledge(rp, docIds[i]!, 'done');
        dl.push(performance.now() - s);
        delivered++;
      }
    }),
  );
  const dsecs = (performance.now() - t1) / 1000;
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(process.env.BENCH_PROFILE!, 'delivery.cpuprofile'), JSON.stringify(profile));
    session.disconnect();
  }
  dl.sort((a, b) => a - b);
  console.log(
    `delivery: ${delivered} fetched + acknowledged, 16 concurrent: ${(delivered / dsecs).toFixed(0)}/s, p99 ${pct(dl, 99).toFixed(1)} ms`,
  );
  const page = await t.hub.inbox(rp, { messageType: 'edoc', limit: 100 });
  void page;

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
}

await run();
