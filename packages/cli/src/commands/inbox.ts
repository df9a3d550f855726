import { setTimeout as sleep } from 'node:timers/promises';
import type { InboxItem } from '@lienthong/client';
import type { Command } from 'commander';
import { chooseVia, type GlobalOptions, v1Client, vxpClient } from '../support/connection.js';
import { createOutput, formatDate } from '../support/output.js';
import { oneOf, parseList, parsePositiveInt } from '../support/parse-args.js';
import { renderTable } from '../support/table.js';

interface InboxOptions extends GlobalOptions {
  type: 'edoc' | 'status';
  wait?: number;
  limit?: number;
  cursor?: string;
  all?: boolean;
  from?: string;
  state?: string[];
}

const STATES = ['pending', 'processing', 'done', 'fail', 'withdrawn'];

export function registerInbox(program: Command): void {
  program
    .command('inbox')
    .description('list what is waiting for this agency')
    .option('--type <type>', 'edoc or status', oneOf(['edoc', 'status'] as const), 'edoc')
    .option('--wait <seconds>', 'long-poll up to this long when nothing is waiting', parsePositiveInt)
    .option('--limit <n>', 'page size', parsePositiveInt)
    .option('--cursor <cursor>', 'continue from a previous page (/v1)')
    .option('--all', 'follow every page (/v1)')
    .option('--from <code>', 'only from this sender')
    .option('--state <states>', `delivery states, comma-separated: ${STATES.join(', ')}`, parseList)
    .option('--via <protocol>', 'v1 or vxp')
    .action(async (_opts: InboxOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<InboxOptions>();
      const out = createOutput(Boolean(o.json));
      if (chooseVia(o) === 'vxp') return vxpInbox(o, out);
      const client = v1Client(o);
      const query = {
        type: o.type,
        ...(o.limit ? { limit: o.limit } : {}),
        ...(o.cursor ? { cursor: o.cursor } : {}),
        ...(o.from ? { from: o.from } : {}),
        ...(o.state ? { state: o.state as InboxItem['state'][] } : {}),
        ...(o.wait ? { wait: o.wait } : {}),
      };
      let items: InboxItem[] = [];
      let nextCursor: string | undefined;
      if (o.all) {
        for await (const page of client.iterateInbox(query)) {
          items = items.concat(page.items);
          nextCursor = page.nextCursor;
        }
      } else {
        const page = await client.inbox(query);
        items = page.items;
        nextCursor = page.nextCursor;
      }
      out.result(
        () => {
          if (items.length === 0) return `No ${o.type === 'status' ? 'status packages' : 'documents'} waiting.`;
          const table =
            o.type === 'status'
              ? renderTable(items, [
                  { header: 'DOC ID', value: (i) => i.docId },
                  { header: 'FROM', value: (i) => i.from },
                  { header: 'STATUS', value: (i) => i.statusCode },
                  { header: 'ABOUT', value: (i) => i.responseForDocId ?? i.documentId },
                  { header: 'STATE', value: (i) => i.state },
                  { header: 'RECEIVED', value: (i) => formatDate(i.createdAt) },
                ])
              : renderTable(items, [
                  { header: 'DOC ID', value: (i) => i.docId },
                  { header: 'FROM', value: (i) => i.from },
                  { header: 'SỐ/KÝ HIỆU', value: (i) => [i.codeNumber, i.codeNotation].filter(Boolean).join('/') },
                  { header: 'STATE', value: (i) => i.state },
                  { header: 'RECEIVED', value: (i) => formatDate(i.createdAt) },
                  { header: 'SUBJECT', value: (i) => i.subject, max: 70 },
                ]);
          return nextCursor ? `${table}\nMore: --cursor ${nextCursor}` : table;
        },
        { items, ...(nextCursor ? { nextCursor } : {}) },
      );
    });
}

async function vxpInbox(o: InboxOptions, out: ReturnType<typeof createOutput>): Promise<void> {
  const { client } = vxpClient(o);
  const deadline = Date.now() + (o.wait ?? 0) * 1000;
  let data = [] as Awaited<ReturnType<typeof client.getReceivedEdocList>>['data'];
  for (;;) {
    const r = await client.getReceivedEdocList({
      messageType: o.type,
      ...(o.from ? { from: o.from } : {}),
      ...(o.limit ? { pageSize: o.limit } : {}),
    });
    data = r.data;
    // VXP has no long-poll: poll until the deadline
    if (data.length > 0 || Date.now() >= deadline) break;
    await sleep(Math.min(1000, deadline - Date.now()));
  }
  out.result(
    () =>
      data.length === 0
        ? `No ${o.type === 'status' ? 'status packages' : 'documents'} waiting.`
        : renderTable(data, [
            { header: 'DOC ID', value: (i) => i.docId },
            { header: 'FROM', value: (i) => i.from },
            { header: 'STATUS', value: (i) => i.status },
            { header: 'CREATED', value: (i) => i.created_time },
          ]),
    { items: data },
  );
}
