// `lienthong webhook set|show|delete|rotate` (an agency's own webhook, over /v1) and
// `lienthong webhooks dead-letters` (the operator, on the hub's store: --data-dir / --database).

import type { Webhook, WebhookEvent } from '@lienthong/client';
import type { Command } from 'commander';
import { chooseVia, type GlobalOptions, v1Client } from '../support/connection.js';
import { withLocalHub } from '../support/hub-module.js';
import { createOutput, formatDate } from '../support/output.js';
import { parseList, parsePositiveInt } from '../support/parse-args.js';
import { renderTable } from '../support/table.js';

interface SetOptions extends GlobalOptions {
  events?: string[];
}

const EVENTS: readonly WebhookEvent[] = ['edoc', 'status'];

function parseEvents(value: string): WebhookEvent[] {
  const list = parseList(value);
  for (const e of list) {
    if (!EVENTS.includes(e as WebhookEvent)) throw new Error(`--events: "${e}" is not one of ${EVENTS.join(', ')}`);
  }
  return list as WebhookEvent[];
}

function renderWebhook(w: Webhook): string {
  const lines = [
    `Webhook of ${w.agency}`,
    `  URL:     ${w.url}`,
    `  Events:  ${w.events.join(', ')}`,
    `  Since:   ${formatDate(w.createdAt)} (changed ${formatDate(w.updatedAt)})`,
    `  Queue:   ${w.queue.pending} waiting, ${w.queue.deadLetters} dead letters`,
  ];
  if (w.secret) {
    lines.push(
      '',
      `  Signing secret (shown once, keep it): ${w.secret}`,
      '  Verify each call: X-Lienthong-Signature = v1=hex(HMAC-SHA256(secret, timestamp + "." + body))',
    );
  }
  return lines.join('\n');
}

export function registerWebhook(program: Command): void {
  const webhook = program
    .command('webhook')
    .description('your agency’s webhook: the hub POSTs a signed notification for each new package or status');

  webhook
    .command('set')
    .description('register the webhook (or change its URL/events); the first registration prints the signing secret')
    .argument('<url>', 'http(s) URL the hub calls')
    .option('--events <list>', 'edoc, status or both (comma-separated; default both)', parseEvents)
    .action(async (url: string, _o: SetOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<SetOptions>();
      chooseVia(o, false);
      const w = await v1Client(o).setWebhook({ url, ...(o.events ? { events: o.events as WebhookEvent[] } : {}) });
      createOutput(Boolean(o.json)).result(() => renderWebhook(w), w);
    });

  webhook
    .command('show')
    .description('the webhook and its queue')
    .action(async (_o: GlobalOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions>();
      chooseVia(o, false);
      const w = await v1Client(o).webhook();
      createOutput(Boolean(o.json)).result(() => renderWebhook(w), w);
    });

  webhook
    .command('delete')
    .description('stop pushing (notifications not sent yet are dropped)')
    .action(async (_o: GlobalOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions>();
      chooseVia(o, false);
      await v1Client(o).deleteWebhook();
      createOutput(Boolean(o.json)).result(() => 'Webhook deleted.', { deleted: true });
    });

  webhook
    .command('rotate')
    .description('a new signing secret, in force at once (printed once)')
    .action(async (_o: GlobalOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions>();
      chooseVia(o, false);
      const w = await v1Client(o).rotateWebhookSecret();
      createOutput(Boolean(o.json)).result(() => renderWebhook(w), w);
    });
}

interface DeadLetterOptions {
  dataDir?: string;
  database?: string;
  config?: string;
  agency?: string;
  limit: number;
  retry?: string[];
  retryAll?: boolean;
  json?: boolean;
}

export function registerWebhooks(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('operator: the webhook notifications of a local hub (works directly on its store)');
  webhooks
    .command('dead-letters')
    .description('list the notifications given up after the horizon; --retry / --retry-all sends them again')
    .option('--data-dir <dir>', "the hub's data directory (default: LIENTHONG_DATA_DIR or ./.lienthong)")
    .option(
      '--database <url>',
      "the hub's PostgreSQL database (default: LIENTHONG_DATABASE_URL, DATABASE_URL; else the data directory's SQLite file)",
    )
    .option('--config <file>', "the hub's JSON configuration file")
    .option('--agency <code>', 'only the notifications of this agency')
    .option('--limit <n>', 'list at most this many', parsePositiveInt, 1000)
    .option('--retry <ids>', 'due again now, with a new horizon: these notification ids (comma-separated)', parseList)
    .option('--retry-all', 'due again now: every dead letter (of --agency, if given)')
    .action(async (_o: DeadLetterOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<DeadLetterOptions>();
      const out = createOutput(Boolean(o.json));
      if (o.retry && o.retryAll) throw new Error('--retry and --retry-all: give one of them');
      const r = await withLocalHub(o, async (hub) => {
        if (o.retry || o.retryAll) {
          const retried = await hub.webhooks.retryDeadLetters({
            ...(o.retry ? { ids: o.retry } : {}),
            ...(o.agency ? { agency: o.agency } : {}),
            actor: 'admin',
          });
          return { retried };
        }
        const items = await hub.webhooks.listNotifications({
          ...(o.agency ? { agency: o.agency } : {}),
          limit: o.limit,
        });
        return { items };
      });
      if ('retried' in r) {
        out.result(
          () =>
            `${r.retried} dead letter${r.retried === 1 ? '' : 's'} due again; the running hub sends ${r.retried === 1 ? 'it' : 'them'} at its next look at the queue.`,
          r,
        );
        return;
      }
      out.result(
        () =>
          r.items.length === 0
            ? 'No dead letters.'
            : renderTable(r.items, [
                { header: 'ID', value: (n) => n.id },
                { header: 'AGENCY', value: (n) => n.agency },
                { header: 'TYPE', value: (n) => n.type },
                { header: 'DOCID', value: (n) => n.docId },
                { header: 'ATTEMPTS', value: (n) => String(n.attempts) },
                { header: 'GAVE UP', value: (n) => formatDate(n.doneAt) },
                { header: 'LAST ERROR', value: (n) => n.lastError ?? '' },
              ]),
        r.items,
      );
    });
}
