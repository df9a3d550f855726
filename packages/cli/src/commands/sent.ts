import type { Command } from 'commander';
import { chooseVia, type GlobalOptions, v1Client, vxpClient } from '../support/connection.js';
import { createOutput, formatDate } from '../support/output.js';
import { oneOf, parsePositiveInt } from '../support/parse-args.js';
import { renderTable } from '../support/table.js';

interface SentOptions extends GlobalOptions {
  type: 'edoc' | 'status';
  limit?: number;
  cursor?: string;
}

export function registerSent(program: Command): void {
  program
    .command('sent')
    .description("what this agency sent, with each recipient's state")
    .option('--type <type>', 'edoc or status', oneOf(['edoc', 'status'] as const), 'edoc')
    .option('--limit <n>', 'page size', parsePositiveInt)
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--via <protocol>', 'v1 or vxp')
    .action(async (_opts: SentOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<SentOptions>();
      const out = createOutput(Boolean(o.json));
      if (chooseVia(o) === 'vxp') {
        const r = await vxpClient(o).client.getSentEdocList({ messageType: o.type });
        out.result(
          () =>
            renderTable(r.data, [
              { header: 'DOC ID', value: (i) => i.senderDocId },
              { header: 'TO', value: (i) => i.toCode },
              { header: 'SENT', value: (i) => i.sentTime },
              { header: 'RECEIVE STATUS', value: (i) => i.receiveStatusDesc || i.receiveStatus },
              { header: 'TITLE', value: (i) => i.title, max: 60 },
            ]),
          { items: r.data },
        );
        return;
      }
      const page = await v1Client(o).sent({
        type: o.type,
        ...(o.limit ? { limit: o.limit } : {}),
        ...(o.cursor ? { cursor: o.cursor } : {}),
      });
      out.result(() => {
        if (page.items.length === 0) return 'Nothing sent yet.';
        const table = renderTable(page.items, [
          { header: 'DOC ID', value: (i) => i.docId },
          { header: 'SENT', value: (i) => formatDate(i.sentAt) },
          {
            header: 'RECIPIENTS',
            value: (i) =>
              i.recipients.map((r) => `${r.code} ${r.state}${r.lastStatus ? `/${r.lastStatus}` : ''}`).join(', '),
            max: 80,
          },
          { header: 'SUBJECT', value: (i) => i.subject, max: 60 },
        ]);
        return page.nextCursor ? `${table}\nMore: --cursor ${page.nextCursor}` : table;
      }, page);
    });
}
