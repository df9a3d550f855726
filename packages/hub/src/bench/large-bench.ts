// Micro-benchmark: one large package (default 100 MiB attachment) submitted and fetched in process,
// MiB/s both ways and the RSS growth. node packages/hub/dist/bench/large-bench.js [MiB=100]

import { performance } from 'node:perf_hooks';
import { as, body, documentPackage, startTestHub } from '../core/hub-test-support.js';
import { timedPhase } from './bench-phase.js';

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
const rss0 = process.memoryUsage().rss;
let peak = rss0;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const {
  value: r,
  seconds: inSecs,
  cpu: inCpu,
} = await timedPhase('large', () => t.hub.submit({ principal: as(sender), body: body(pkg), messageType: 'auto' }));
const t1 = performance.now();
const cpu1 = process.cpuUsage();
const opened = await t.hub.openPackage(as(recipient), r.docId);
let n = 0;
for await (const c of opened.stream) n += (c as Buffer).length;
const outSecs = (performance.now() - t1) / 1000;
const outCpu = process.cpuUsage(cpu1);
clearInterval(timer);
console.log(
  `large: ${mib.toFixed(1)} MiB package in ${(mib / inSecs).toFixed(0)} MiB/s (${inSecs.toFixed(2)} s, CPU ${seconds(inCpu)} s), ` +
    `out ${(n / 1024 / 1024 / outSecs).toFixed(0)} MiB/s (${outSecs.toFixed(2)} s, CPU ${seconds(outCpu)} s); ` +
    `RSS peak growth ${((peak - rss0) / 1024 / 1024).toFixed(0)} MiB (the package itself is held by this benchmark)`,
);
await t.dispose();

function seconds(cpu: NodeJS.CpuUsage): string {
  return ((cpu.user + cpu.system) / 1e6).toFixed(2);
}
