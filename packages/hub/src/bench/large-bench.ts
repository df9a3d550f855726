// Micro-benchmark: one large package (default 100 MiB attachment) submitted and fetched in process,
// MiB/s both ways and the RSS growth. node packages/hub/dist/bench/large-bench.js [MiB=100] [--floor]
// --floor: instead, what bare pipelines achieve on this machine for the same bytes (no hub): the
// bounds any intake of this package must live within.

import { createHash } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { as, body, documentPackage, startTestHub } from '../core/hub-test-support.js';
import { timedPhase } from './bench-phase.js';

const args = process.argv.slice(2);
const MIB = Number(args.find((a) => !a.startsWith('--')) ?? 100);
if (args.includes('--floor')) {
  await floor(MIB);
  process.exit(0);
}

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

/** Bare pipelines over the bytes of a package like the benchmark's: each timed alone, wall and CPU. */
async function floor(mib: number): Promise<void> {
  const raw = Buffer.alloc(mib * 1024 * 1024, 7);
  // one line of base64, as documentPackage writes the benchmark's attachment
  const encoded = Buffer.from(raw.toString('base64'), 'latin1');
  const pkgMib = encoded.length / 1024 / 1024;
  const dir = await mkdtemp(join(tmpdir(), 'lt-floor-'));
  const CHUNK = 64 * 1024;
  const report = async (name: string, fn: () => Promise<unknown> | unknown) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `floor: ${name}: ${secs.toFixed(3)} s (${(pkgMib / secs).toFixed(0)} MiB/s of the ${pkgMib.toFixed(0)} MiB base64), CPU ${seconds(process.cpuUsage(cpu0))} s`,
    );
  };
  const writeFile = async (name: string, bytes: Buffer) => {
    const fh = await open(join(dir, name), 'w');
    for (let i = 0; i < bytes.length; i += CHUNK) await fh.write(bytes, i, Math.min(CHUNK, bytes.length - i));
    await fh.datasync();
    await fh.close();
  };
  const loopback = (sink: (socket: AsyncIterable<Buffer>) => Promise<void>) =>
    new Promise<void>((resolve, reject) => {
      const server = createServer((socket) => {
        sink(socket).then(() => server.close(() => resolve()), reject);
      });
      server.listen(0, '127.0.0.1', () => {
        const client = connect((server.address() as AddressInfo).port, '127.0.0.1', () => {
          for (let i = 0; i < encoded.length; i += 1024 * 1024) client.write(encoded.subarray(i, i + 1024 * 1024));
          client.end();
        });
      });
    });
  try {
    await report('native base64 decode (Buffer.from of a latin1 string, 64 KiB chunks)', () => {
      for (let i = 0; i < encoded.length; i += CHUNK) {
        Buffer.from(encoded.toString('latin1', i, Math.min(encoded.length, i + CHUNK)), 'base64');
      }
    });
    await report(`SHA-256 of the ${mib} MiB decoded`, () => createHash('sha256').update(raw).digest());
    await report('SHA-256 of the base64 body', () => createHash('sha256').update(encoded).digest());
    await report('write + fdatasync body and decoded (64 KiB writes, one after the other)', async () => {
      await writeFile('body', encoded);
      await writeFile('decoded', raw);
    });
    await report('loopback socket receive', () =>
      loopback(async (socket) => {
        for await (const _ of socket);
      }),
    );
    await report('loopback socket receive + write + fdatasync of the body', () =>
      loopback(async (socket) => {
        const fh = await open(join(dir, 'received'), 'w');
        for await (const c of socket) await fh.write(c);
        await fh.datasync();
        await fh.close();
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
