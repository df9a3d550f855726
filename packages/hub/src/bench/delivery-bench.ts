// Micro-benchmark of the delivery path in process (no HTTP): P unsigned ~10 KB packages, each to R
// agencies, then the R agencies drain their inboxes concurrently as the bench harness's drain does
// (inbox page → fetch every package, read in full → acknowledge them by B at once, as POST /v1/acks;
// B = 0: one acknowledgement after each fetch; BENCH_ACK_ALONE=1: a batch's acknowledgements each alone).
// Prints CPU ms (the process's, the main thread's) and SQL statements per package delivered, for A/B
// pairs of the delivery path; not part of `npm test`.
// BENCH_STATEMENTS=n: the n most frequent statements per package too, and the read cache's counts
// (BENCH_STATEMENTS_TIME=1: and their time); BENCH_PROFILE=<dir>: a CPU profile of the drain alone.
//   node packages/hub/dist/bench/delivery-bench.js [packages=100] [recipients=40] [batch=100]

import type { HubContext } from '../core/hub-context.js';
import { as, body, collectStream, documentPackage, startTestHub } from '../core/hub-test-support.js';
import type { StatementCounter } from '../store/sqlite/statement-cache.js';
import { timedPhase } from './bench-phase.js';

const P = Number(process.argv[2] ?? 100);
const R = Number(process.argv[3] ?? 40);
const B = Number(process.argv[4] ?? 100);
/** BENCH_ACK_ALONE=1: a batch's acknowledgements each on its own (as POST /v1/acks did before acknowledgeMany) */
const ACK_ALONE = process.env.BENCH_ACK_ALONE === '1';

async function run(): Promise<void> {
  const t = await startTestHub();
  const store = (t.hub as unknown as { ctx: HubContext }).ctx.store as unknown as { statements?: StatementCounter };
  const shown = Number(process.env.BENCH_STATEMENTS ?? 0);
  if (shown > 0) store.statements?.detail(process.env.BENCH_STATEMENTS_TIME === '1');
  const demo = await t.hub.initDemo();
  const sender = demo.featured[0]!;
  const recipients = demo.all.map((c) => c.systemId).filter((c) => c !== sender.systemId);
  for (let i = 0; recipients.length < R; i++) {
    const code = `9${String(Math.floor(i / 100)).padStart(2, '0')}.${String(i % 100).padStart(2, '0')}.00.Z01`;
    await t.hub.addAgency({ code, name: `Cơ quan thử ${i}` });
    recipients.push(code);
  }
  const to = recipients.slice(0, R);
  const attachment = Buffer.alloc(6 * 1024, 0x41);
  for (let i = 0; i < P; i++) {
    const pkg = await documentPackage(sender.systemId, to, {
      attachments: [{ attachmentName: 'a.pdf', contentType: 'application/pdf', content: attachment }],
      subject: `delivery bench ${i}`,
    });
    await t.hub.submit({ principal: as(sender.systemId), body: body(pkg), messageType: 'auto' });
  }
  store.statements?.reset();
  const stats0 = JSON.stringify((store as unknown as { cache?: { stats: unknown } }).cache?.stats);
  let delivered = 0;
  const {
    cpu,
    seconds: secs,
    mainThreadCpuMs,
  } = await timedPhase('delivery', async () => {
    await Promise.all(
      to.map(async (code) => {
        const p = as(code);
        for (;;) {
          const page = await t.hub.inbox(p, { messageType: 'edoc', limit: 1000 });
          if (page.items.length === 0) return;
          let pending: string[] = [];
          const ackAll = async () => {
            if (ACK_ALONE) await Promise.all(pending.map((docId) => t.hub.acknowledge(p, docId, 'done')));
            else
              await t.hub.acknowledgeMany(
                p,
                pending.map((docId) => ({ docId, state: 'done' as const })),
              );
            delivered += pending.length;
            pending = [];
          };
          for (const item of page.items) {
            await collectStream((await t.hub.openPackage(p, item.docId)).stream);
            if (B === 0) {
              await t.hub.acknowledge(p, item.docId, 'done');
              delivered++;
              continue;
            }
            pending.push(item.docId);
            if (pending.length >= B) await ackAll();
          }
          await ackAll();
        }
      }),
    );
  });
  const c = store.statements;
  const ms = c?.msBySql;
  const top = [...(c?.bySql?.entries() ?? [])]
    .sort((a, b) => (ms ? (ms.get(b[0]) ?? 0) - (ms.get(a[0]) ?? 0) : b[1] - a[1]))
    .slice(0, shown)
    .map(
      ([q, k]) =>
        `\n  ${(k / delivered).toFixed(2)}${ms ? ` ${((ms.get(q) ?? 0) / delivered).toFixed(4)} ms` : ''}  ${q.slice(0, 110)}`,
    )
    .join('');
  console.log(
    `delivery: ${delivered} of ${P * R} (${P} packages × ${R} agencies, acks ${B === 0 ? 'one by one' : `by ${B}`}): ${(delivered / secs).toFixed(0)}/s; CPU ${((cpu.user + cpu.system) / 1000 / delivered).toFixed(3)} ms per package, main thread ${mainThreadCpuMs === undefined ? '?' : (mainThreadCpuMs / delivered).toFixed(3)} ms${c ? `; ${(c.total / delivered).toFixed(1)} SQL statements per package` : ''}${top}`,
  );
  const cache = (store as unknown as { cache?: { stats: unknown } }).cache;
  // the read cache's hits and misses before and after the drain (documents, agencies, credentials)
  if (process.env.BENCH_STATEMENTS && cache) console.log('read cache', stats0, '→', JSON.stringify(cache.stats));
  await t.dispose();
}

run().catch((e) => {
  console.error(e);
  process.exit(1);
});
