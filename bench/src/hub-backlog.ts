// The work a hub has accepted and not finished yet, read from its /metrics at the edges of a window:
// attachments waiting for the background inspector, webhook notifications still being tried, federation
// outbox entries. A window that leaves more of it than it found measured intake the hub did not keep up with.

/** the queues' depths at one moment */
export interface Backlog {
  uninspectedAttachments: number;
  webhookQueue: number;
  linkQueue: number;
}

/** what a window found waiting when it started and left waiting when it ended */
export interface WindowBacklog {
  before: Backlog;
  after: Backlog;
}

export async function readBacklog(hubUrl: string): Promise<Backlog> {
  const res = await fetch(`${hubUrl}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
  return backlogOf(await res.text());
}

/** from the Prometheus text: one value per gauge, the per-link gauges summed */
export function backlogOf(metricsText: string): Backlog {
  const sum = (name: string): number => {
    let total = 0;
    for (const line of metricsText.split('\n')) {
      if (!line.startsWith(name)) continue;
      const rest = line.slice(name.length);
      if (rest[0] !== ' ' && rest[0] !== '{') continue;
      const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
      if (Number.isFinite(value)) total += value;
    }
    return total;
  };
  return {
    uninspectedAttachments: sum('lienthong_attachments_uninspected'),
    webhookQueue: sum('lienthong_webhook_queue_depth'),
    linkQueue: sum('lienthong_link_queue_depth'),
  };
}

/** for a table's notes: empty when nothing was left waiting */
export function describeBacklog(b: WindowBacklog | undefined): string {
  if (!b) return '';
  const parts: string[] = [];
  const one = (singular: string, plural: string, key: keyof Backlog) => {
    const n = b.after[key];
    if (n > 0 || b.before[key] > 0) parts.push(`${n} ${n === 1 ? singular : plural} (${b.before[key]} at the start)`);
  };
  one('attachment uninspected', 'attachments uninspected', 'uninspectedAttachments');
  one('webhook notification queued', 'webhook notifications queued', 'webhookQueue');
  one('federation entry queued', 'federation entries queued', 'linkQueue');
  return parts.length ? `left behind: ${parts.join(', ')}` : 'nothing left behind';
}
