// A few counters and gauges in the Prometheus text format, without a metrics library.

type Labels = Record<string, string>;

const HELP: Record<string, string> = {
  lienthong_gateway_packages_accepted_total: 'outgoing packages taken into the spool',
  lienthong_gateway_packages_sent_total: 'outgoing packages the hub accepted',
  lienthong_gateway_packages_refused_total: 'outgoing packages the hub (or the gateway) refused',
  lienthong_gateway_packages_received_total: 'incoming packages stored and acknowledged',
  lienthong_gateway_hub_errors_total: 'failed exchanges with the hub (unreachable, 5xx, refused key)',
};

function key(name: string, labels: Labels): string {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',');
  return l ? `${name}{${l}}` : name;
}

export class GatewayMetrics {
  private readonly counters = new Map<string, { name: string; value: number }>();

  inc(name: string, labels: Labels, by = 1): void {
    const k = key(name, labels);
    const c = this.counters.get(k);
    if (c) c.value += by;
    else this.counters.set(k, { name, value: by });
  }

  /** The counters, then the gauges given (name → [labels, value][]). */
  render(gauges: Record<string, { help: string; values: Array<[Labels, number]> }>): string {
    const lines: string[] = [];
    const byName = new Map<string, string[]>();
    for (const [k, c] of this.counters) {
      const list = byName.get(c.name) ?? [];
      list.push(`${k} ${c.value}`);
      byName.set(c.name, list);
    }
    for (const name of Object.keys(HELP)) {
      lines.push(`# HELP ${name} ${HELP[name]}`, `# TYPE ${name} counter`, ...(byName.get(name) ?? []));
    }
    for (const [name, g] of Object.entries(gauges)) {
      lines.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`);
      for (const [labels, v] of g.values) lines.push(`${key(name, labels)} ${v}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
