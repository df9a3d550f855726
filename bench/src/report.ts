// Writes the figures of a bench run as docs/BENCHMARKS.md (tables) beside the raw JSON.
import type { LargePackageResult } from './large-package.js';
import type { VerifyResult } from './verify-scenario.js';

export interface BenchResults {
  date: string;
  node: string;
  cpus: string;
  large?: LargePackageResult;
  verify?: VerifyResult;
}

const f1 = (n: number) => n.toFixed(1);

export function renderReport(r: BenchResults): string {
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (raw figures: `bench/out/results.json`). Every scenario runs on this',
    'machine over loopback; the hub runs as its own process, as operators run it. Figures from one run',
    'are comparable with each other; compare runs by their ratios, not their absolute values.',
    '',
    `Run: ${r.date}, Node ${r.node}, ${r.cpus}.`,
    '',
  ];
  if (r.large) {
    const l = r.large;
    lines.push(
      '## Large package (streamed in and out)',
      '',
      `One package of ${f1(l.packageBytes / 2 ** 20)} MiB (a ${f1(l.attachmentBytes / 2 ** 20)} MiB attachment inline as base64),`,
      'submitted with `POST /v1/packages` and fetched with `GET /v1/packages/{docId}` (the client parses',
      'it again and checks the attachment hash). Hub memory is its resident set sampled every 20 ms, minus',
      'its resident set just before the transfer.',
      '',
      '| direction | seconds | MiB/s | hub RSS growth (MiB) |',
      '|---|---:|---:|---:|',
      `| in | ${l.upload.seconds.toFixed(2)} | ${f1(l.upload.mbPerSecond)} | ${f1(l.upload.hubRssGrowthMb)} |`,
      `| out | ${l.download.seconds.toFixed(2)} | ${f1(l.download.mbPerSecond)} | ${f1(l.download.hubRssGrowthMb)} |`,
      '',
      `Hub RSS before: ${f1(l.hubBaselineRssMb)} MiB. Attachment hash after the round trip matches: ${l.attachmentHashMatches ? 'yes' : 'NO'}.`,
      '',
    );
  }
  if (r.verify) {
    const v = r.verify;
    const base = v.throughput[0]?.perSecond ?? 1;
    lines.push(
      '## Signature verification (one core)',
      '',
      `A signed package of ${v.packageBytes} bytes (one 5 KiB attachment, RSA-SHA256, chain to the dev root),`,
      `verified repeatedly for ${v.seconds} s each, in the same run:`,
      '',
      '| verifier | packages/s | relative to Lienthong |',
      '|---|---:|---:|',
      ...v.throughput.map((t) => `| ${t.label} | ${f1(t.perSecond)} | ${(t.perSecond / base).toFixed(2)} |`),
      '',
      'A 100 MiB attachment (≈134 MiB package), each in a fresh process:',
      '',
      '| operation | peak RSS of the process (MiB) | ms (with process start) |',
      '|---|---:|---:|',
      `| sign (two streaming passes, written to disk) | ${v.large.signing.maxRssMiB} | ${v.large.signing.ms} |`,
      `| verify (one streaming pass from disk) | ${v.large.verifying.maxRssMiB} | ${v.large.verifying.ms} |`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
