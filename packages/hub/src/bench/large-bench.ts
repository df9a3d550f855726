// Micro-benchmark: one large package (default 100 MiB attachment) submitted and fetched in process,
// MiB/s both ways and the RSS growth. node packages/hub/dist/bench/large-bench.js [MiB=100]

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { as, body, documentPackage, startTestHub } from '../core/hub-test-support.js';

const MIB = Number(process.argv[2] ?? 100);

const t = await startTestHub();
const demo = await t.hub.initDemo();
const sender = demo.featured[0]!.systemId;
const recipient = demo.featured[1]!.systemId;
const pkg = await documentPackage(sender, [recipient], {
  attachments: [
    { attachmentName: 'big.bin', contentType: 'application/octet-stream', content: Buffer.alloc(MIB * 1024 * 1024, 7) },
  ],
});
const mib = pkg.length / 1024 / 1024;
const session = process.env.BENCH_PROFILE ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const rss0 = process.memoryUsage().rss;
let peak = rss0;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const t0 = performance.now();
const r = await t.hub.submit({ principal: as(sender), body: body(pkg), messageType: 'auto' });
const inSecs = (performance.now() - t0) / 1000;
if (session) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(join(process.env.BENCH_PROFILE!, 'large.cpuprofile'), JSON.stringify(profile));
  session.disconnect();
}
const t1 = performance.now();
const opened = await t.hub.openPackage(as(recipient), r.docId);
let n = 0;
for await (const c of opened.stream) n += (c as Buffer).length;
const outSecs = (performance.now() - t1) / 1000;
clearInterval(timer);
console.log(
  `large: ${mib.toFixed(1)} MiB package in ${(mib / inSecs).toFixed(0)} MiB/s, out ${(n / 1024 / 1024 / outSecs).toFixed(0)} MiB/s; RSS peak growth ${((peak - rss0) / 1024 / 1024).toFixed(0)} MiB (the package itself is held by this benchmark)`,
);
await t.dispose();
