import type { Command } from 'commander';
import { withLocalHub } from '../support/hub-module.js';
import { createOutput } from '../support/output.js';
import { renderTable } from '../support/table.js';

interface StatsOptions {
  dataDir?: string;
  config?: string;
  json?: boolean;
}

export function registerStats(program: Command): void {
  const stats = program.command('stats').description('figures of a local hub (works directly on its data directory)');
  stats
    .command('signatures')
    .description('per sender agency: documents, and how many carried a valid XML signature')
    .option('--data-dir <dir>', "the hub's data directory (default: LIENTHONG_DATA_DIR or ./.lienthong)")
    .option(
      '--database <url>',
      "the hub's PostgreSQL database (default: LIENTHONG_DATABASE_URL, DATABASE_URL; else the data directory's SQLite file)",
    )
    .option('--config <file>', "the hub's JSON configuration file")
    .action(async (_o: StatsOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<StatsOptions>();
      const rows = await withLocalHub(o, (hub) => hub.signatureStats());
      const total = rows.reduce((n, r) => n + r.documents, 0);
      const valid = rows.reduce((n, r) => n + r.valid, 0);
      createOutput(Boolean(o.json)).result(
        () =>
          rows.length === 0
            ? 'No documents yet.'
            : [
                renderTable(rows, [
                  { header: 'SENDER', value: (r) => r.sender },
                  { header: 'DOCUMENTS', value: (r) => r.documents },
                  { header: 'VALID', value: (r) => r.valid },
                  { header: '%', value: (r) => percent(r.valid, r.documents) },
                  { header: 'WEAK', value: (r) => r.weak },
                  { header: 'INVALID', value: (r) => r.invalid },
                  { header: 'INDETERMINATE', value: (r) => r.indeterminate },
                  { header: 'UNSIGNED', value: (r) => r.absent },
                  { header: 'UNCHECKED', value: (r) => r.unchecked },
                ]),
                '',
                `${valid} of ${total} documents (${percent(valid, total)}%) carried a valid XML signature.`,
              ].join('\n'),
        { agencies: rows, documents: total, valid },
      );
    });
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0' : ((100 * part) / whole).toFixed(1);
}
