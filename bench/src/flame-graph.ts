// Flame graphs of V8 CPU profiles (`node --cpu-prof`), drawn as SVG by hand: one box per call-tree
// node, as wide as the time spent in it and in what it called, callers below callees. Hovering a box
// shows its function, file and time (an SVG <title>). Also the functions with the most self time.
import type { FlameSummary } from './report.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

interface Tree {
  node: ProfileNode;
  /** microseconds in this node itself */
  self: number;
  /** microseconds in this node and below */
  total: number;
  children: Tree[];
}

const W = 1200;
const ROW = 17;
const MAX_DEPTH = 40;
const TOP = 42;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function selfTimes(p: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // a sample's time is the gap to the next sample
    const dt = Math.max(0, deltas[i + 1] ?? 0);
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + dt);
  }
  return self;
}

/** The profile's last `seconds` only (the measurement window before the process stopped; start-up left out). */
/** The profile's samples of `seconds` that ended `skipLastSeconds` before the profile did (its last ones by default). */
export function lastSeconds(p: CpuProfile, seconds: number, skipLastSeconds = 0): CpuProfile {
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  const at: number[] = [];
  let t = p.startTime;
  for (const d of deltas) {
    t += d;
    at.push(t);
  }
  const end = (at[at.length - 1] ?? p.endTime) - skipLastSeconds * 1e6;
  const from = Math.max(
    0,
    at.findIndex((x) => x >= end - seconds * 1e6),
  );
  let to = at.findIndex((x) => x > end);
  if (to < 0) to = at.length;
  if (from === 0 && to === at.length) return p;
  return {
    ...p,
    startTime: at[from] ?? p.startTime,
    endTime: at[to - 1] ?? end,
    samples: samples.slice(from, to),
    timeDeltas: [0, ...deltas.slice(from + 1, to)],
  };
}

function buildTree(p: CpuProfile): Tree {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = selfTimes(p);
  const build = (n: ProfileNode): Tree => {
    const children = (n.children ?? []).map((c) => build(byId.get(c)!)).filter((t) => t.total > 0);
    const own = self.get(n.id) ?? 0;
    return { node: n, self: own, total: own + children.reduce((s, c) => s + c.total, 0), children };
  };
  return build(p.nodes[0]!);
}

/** The part of the code a frame belongs to, for its colour and the legend. */
export function category(f: CallFrame): string {
  const name = f.functionName;
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)' || name === '(program)' || name === '(root)') return 'idle / V8';
  const url = f.url;
  if (url.includes('/packages/edxml/')) return 'edxml';
  if (url.includes('/packages/trust/')) return 'trust';
  if (url.includes('/packages/hub/')) return 'hub';
  // better-sqlite3's statements run inside Kysely's driver call: that frame's self time is mostly SQLite
  if (url.includes('/kysely/') || url.includes('better-sqlite3')) return 'database (Kysely + SQLite)';
  if (url.includes('/fastify') || url.includes('/find-my-way/') || url.includes('/light-my-request/')) return 'fastify';
  if (url.includes('/node_modules/')) return 'other packages';
  if (url.startsWith('node:') || url === '') return 'node / native';
  return 'other';
}

const COLORS: Record<string, string> = {
  edxml: '#e8a33d',
  trust: '#d9603b',
  hub: '#3b8bd9',
  'database (Kysely + SQLite)': '#8e6bd1',
  fastify: '#3bb08f',
  'other packages': '#9aa5b1',
  'node / native': '#c9b458',
  GC: '#e05c8a',
  'idle / V8': '#d0d0d0',
  other: '#b0b0b0',
};

function label(f: CallFrame): string {
  const file = f.url.split('/').slice(-2).join('/');
  return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
}

/** The flame graph of one profile; idle time is left out so that widths are shares of the work done. */
export function flameGraphSvg(p: CpuProfile, title: string): string {
  const root = buildTree(p);
  root.children = root.children.filter((c) => c.node.callFrame.functionName !== '(idle)');
  root.total = root.self + root.children.reduce((s, c) => s + c.total, 0);
  const minWidth = 1; // px: narrower boxes are not drawn
  const boxes: string[] = [];
  let depth = 0;
  const draw = (t: Tree, x: number, level: number, scale: number) => {
    const w = t.total * scale;
    // deep recursion (a JSON serializer, say) would make the graph tall for thin boxes: cut at MAX_DEPTH
    if (w < minWidth || level > MAX_DEPTH) return;
    depth = Math.max(depth, level);
    const f = t.node.callFrame;
    const name = level === 0 ? 'all work (idle left out)' : label(f);
    const ms = (t.total / 1000).toFixed(1);
    const share = ((t.total / root.total) * 100).toFixed(1);
    const y = -level * ROW; // flipped below, once the depth is known
    const text =
      w > 40 ? `<text x="${(x + 3).toFixed(1)}" y="${y + 12}">${esc(fit(name, Math.floor((w - 6) / 6.2)))}</text>` : '';
    boxes.push(
      `<g><title>${esc(`${name} — ${ms} ms, ${share} %`)}</title><rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${ROW - 1}" fill="${level === 0 ? '#eee' : COLORS[category(f)]}" rx="2"/>${text}</g>`,
    );
    let cx = x;
    for (const c of [...t.children].sort((a, b) => label(a.node.callFrame).localeCompare(label(b.node.callFrame)))) {
      draw(c, cx, level + 1, scale);
      cx += c.total * scale;
    }
  };
  draw(root, 10, 0, (W - 20) / root.total);
  const height = TOP + (depth + 1) * ROW + 60;
  const base = TOP + depth * ROW; // the root's row, at the bottom
  const legend = Object.entries(COLORS)
    .map(
      ([name, color], i) =>
        `<rect x="${10 + i * 118}" y="${height - 34}" width="12" height="12" fill="${color}"/><text x="${26 + i * 118}" y="${height - 24}">${esc(name)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="monospace" font-size="11" role="img">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${W}" height="${height}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-family="sans-serif" font-size="15">${esc(title)}</text>`,
    `<g transform="translate(0 ${base})">`,
    ...boxes,
    '</g>',
    legend,
    '</svg>',
    '',
  ].join('\n');
}

function fit(s: string, chars: number): string {
  return s.length <= chars ? s : `${s.slice(0, Math.max(0, chars - 1))}…`;
}

/** Where the time went: the busiest functions by self time, and each category's share (idle left out). */
export function summarizeProfile(p: CpuProfile, top = 15): FlameSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = selfTimes(p);
  const byFunction = new Map<string, { ms: number; category: string }>();
  const byCategory = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') continue;
    busy += us;
    const key = label(f);
    const e = byFunction.get(key) ?? { ms: 0, category: category(f) };
    e.ms += us / 1000;
    byFunction.set(key, e);
    byCategory.set(category(f), (byCategory.get(category(f)) ?? 0) + us);
  }
  return {
    busyMs: busy / 1000,
    wallMs: (p.endTime - p.startTime) / 1000,
    categories: [...byCategory]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / busy })),
    functions: [...byFunction]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, top)
      .map(([name, e]) => ({ name, ms: e.ms, share: (e.ms * 1000) / busy, category: e.category })),
  };
}
