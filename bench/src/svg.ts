// Two small plots, drawn as SVG by hand (no plotting dependency): intake throughput against the number
// of clients, and latency percentiles of every load measurement (log scale).
import { writeFileSync } from 'node:fs';
import type { Measurement } from './load.js';
import type { BenchResults } from './report.js';

const W = 720;
const H = 380;
const M = { left: 70, right: 170, top: 40, bottom: 50 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function frame(title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12" role="img">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

const r1 = (v: number) => Math.round(v * 10) / 10;

export function throughputPlot(r: BenchResults): string | undefined {
  const intake = r.intake;
  if (!intake?.length) return undefined;
  const series = new Map<string, Measurement[]>();
  for (const m of intake) {
    const name = m.label.replace(/, \d+ clients?$/, '');
    series.set(name, [...(series.get(name) ?? []), m]);
  }
  const clients = [...new Set(intake.map((m) => m.clients))].sort((a, b) => a - b);
  const refs: Array<[string, number]> = [];
  if (r.fastifyBaseline) refs.push(['bare Fastify, 64 clients', r.fastifyBaseline.perSecond]);
  if (r.sqliteBaseline) refs.push(['bare SQLite insert', r.sqliteBaseline.perSecond]);
  refs.push(['target 2,000/s', 2000]);
  // log scale: the hub and the baselines may be orders of magnitude apart
  const values = [...intake.map((m) => m.perSecond), ...refs.map(([, v]) => v)].filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values, 10)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values) * 1.05));
  const decades = Math.max(1, Math.round(Math.log10(hi / lo)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (c: number) => M.left + (clients.length === 1 ? pw / 2 : (clients.indexOf(c) / (clients.length - 1)) * pw);
  const y = (v: number) => r1(M.top + ph - (Math.log10(Math.max(v, lo) / lo) / decades) * ph);
  const body: string[] = [
    `<line x1="${M.left}" y1="${M.top + ph}" x2="${M.left + pw}" y2="${M.top + ph}" stroke="black"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + ph}" stroke="black"/>`,
    `<text x="${M.left + pw / 2}" y="${H - 12}" text-anchor="middle">concurrent clients (closed loop)</text>`,
    `<text x="16" y="${M.top + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${M.top + ph / 2})">packages/s (log scale)</text>`,
  ];
  for (let d = 0; d <= decades; d++) {
    const v = lo * 10 ** d;
    body.push(
      `<line x1="${M.left}" y1="${y(v)}" x2="${M.left + pw}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toLocaleString('en-US')}</text>`,
    );
  }
  for (const c of clients) body.push(`<text x="${x(c)}" y="${M.top + ph + 18}" text-anchor="middle">${c}</text>`);
  let k = 0;
  for (const [name, ms] of series) {
    const color = COLORS[k % COLORS.length]!;
    const pts = ms.map((m) => `${x(m.clients)},${y(m.perSecond)}`).join(' ');
    body.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const m of ms) body.push(`<circle cx="${x(m.clients)}" cy="${y(m.perSecond)}" r="3.5" fill="${color}"/>`);
    body.push(
      `<rect x="${W - M.right + 12}" y="${M.top + 18 * k}" width="12" height="3" fill="${color}"/>`,
      `<text x="${W - M.right + 30}" y="${M.top + 18 * k + 5}">${esc(name)}</text>`,
    );
    k++;
  }
  for (const [name, v] of refs) {
    const color = COLORS[k % COLORS.length]!;
    body.push(
      `<line x1="${M.left}" y1="${y(v)}" x2="${M.left + pw}" y2="${y(v)}" stroke="${color}" stroke-dasharray="6 4"/>`,
      `<rect x="${W - M.right + 12}" y="${M.top + 18 * k}" width="12" height="3" fill="${color}"/>`,
      `<text x="${W - M.right + 30}" y="${M.top + 18 * k + 5}">${esc(name)}</text>`,
    );
    k++;
  }
  return frame('Intake throughput (signed packages, one recipient)', body);
}

export function latencyPlot(r: BenchResults): string | undefined {
  const rows: Array<[string, number, number]> = [];
  for (const m of r.intake ?? []) rows.push([m.label.replace('intake ', ''), m.latencyMs.p50, m.latencyMs.p99]);
  for (const m of [r.intakeOpen, r.intakeHalfPeak]) {
    if (m)
      rows.push([
        m.label.replace('intake ', '').replace(' (half the measured peak)', ', ½ peak'),
        m.latencyMs.p50,
        m.latencyMs.p99,
      ]);
  }
  for (const m of r.endToEnd ?? []) if (m.endToEndMs) rows.push([m.label, m.endToEndMs.p50, m.endToEndMs.p99]);
  if (rows.length === 0) return undefined;
  const left = 230;
  const right = 30;
  const rowH = 26;
  const height = 70 + rows.length * rowH + 40;
  const max = Math.max(...rows.map(([, , p99]) => p99), 100);
  const lo = 0.1;
  const decades = Math.ceil(Math.log10(max / lo));
  const pw = W - left - right;
  const x = (v: number) => r1(left + (Math.log10(Math.max(v, lo) / lo) / decades) * pw);
  const body: string[] = [];
  for (let d = 0; d <= decades; d++) {
    const v = lo * 10 ** d;
    body.push(
      `<line x1="${x(v)}" y1="50" x2="${x(v)}" y2="${50 + rows.length * rowH}" stroke="#ddd"/>`,
      `<text x="${x(v)}" y="${66 + rows.length * rowH}" text-anchor="middle">${v >= 1 ? v.toFixed(0) : v}</text>`,
    );
  }
  body.push(
    `<text x="${left + pw / 2}" y="${88 + rows.length * rowH}" text-anchor="middle">milliseconds (log scale)</text>`,
  );
  for (const [v, name, anchor, dx] of [
    [50, 'intake target: p99 50 ms', 'end', -4],
    [100, 'end-to-end target: p99 100 ms', 'start', 4],
  ] as const) {
    body.push(
      `<line x1="${x(v)}" y1="46" x2="${x(v)}" y2="${54 + rows.length * rowH}" stroke="${COLORS[2]}" stroke-dasharray="5 3"/>`,
      `<text x="${x(v) + dx}" y="44" text-anchor="${anchor}" fill="${COLORS[2]}" font-size="10">${name}</text>`,
    );
  }
  rows.forEach(([name, p50, p99], i) => {
    const top = 50 + i * rowH + 4;
    body.push(
      `<text x="${left - 8}" y="${top + 13}" text-anchor="end">${esc(name)}</text>`,
      `<rect x="${left}" y="${top}" width="${r1(Math.max(1, x(p99) - left))}" height="9" fill="${COLORS[1]}"/>`,
      `<rect x="${left}" y="${top + 9}" width="${r1(Math.max(1, x(p50) - left))}" height="9" fill="${COLORS[0]}"/>`,
    );
  });
  body.push(
    `<rect x="${left}" y="32" width="12" height="9" fill="${COLORS[0]}"/><text x="${left + 16}" y="41">p50</text>`,
    `<rect x="${left + 60}" y="32" width="12" height="9" fill="${COLORS[1]}"/><text x="${left + 76}" y="41">p99</text>`,
  );
  return frame('Latency percentiles (submit answered; end to end: seen by the recipient)', body)
    .replace(`height="${H}" viewBox="0 0 ${W} ${H}"`, `height="${height}" viewBox="0 0 ${W} ${height}"`)
    .replace(`<rect width="${W}" height="${H}"`, `<rect width="${W}" height="${height}"`);
}

/** Writes the plots into `dir`; returns their file names (relative to docs/bench/). */
export function writePlots(r: BenchResults, dir: string): string[] {
  const written: string[] = [];
  const throughput = throughputPlot(r);
  if (throughput) {
    writeFileSync(`${dir}intake-throughput.svg`, throughput);
    written.push('intake-throughput.svg');
  }
  const latency = latencyPlot(r);
  if (latency) {
    writeFileSync(`${dir}latency.svg`, latency);
    written.push('latency.svg');
  }
  return written;
}
