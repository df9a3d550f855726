import type { Command } from 'commander';
import { chooseVia, type GlobalOptions, v1Client, vxpClient } from '../support/connection.js';
import { createOutput } from '../support/output.js';
import { parsePositiveInt } from '../support/parse-args.js';
import { renderTable } from '../support/table.js';

interface AgenciesOptions extends GlobalOptions {
  level?: number;
  since?: number;
  all?: boolean;
}

export function registerAgencies(program: Command): void {
  program
    .command('agencies')
    .description("the hub's directory of agencies")
    .option('--level <n>', 'only this level (1 ministry/province … 4 commune)', parsePositiveInt)
    .option('--since <version>', 'only agencies changed after this directory version (/v1)', parsePositiveInt)
    .option('--all', 'include disabled agencies (/v1)')
    .option('--via <protocol>', 'v1 or vxp')
    .action(async (_opts: AgenciesOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<AgenciesOptions>();
      const out = createOutput(Boolean(o.json));
      if (chooseVia(o) === 'vxp') {
        const { client } = vxpClient(o);
        const r = o.level === undefined ? await client.getAgenciesList() : await client.getAgenciesListQD20(o.level);
        out.result(
          () =>
            renderTable(r.data as Array<{ code: string; name: string; mail: string }>, [
              { header: 'CODE', value: (a) => a.code },
              { header: 'NAME', value: (a) => a.name, max: 70 },
              { header: 'EMAIL', value: (a) => a.mail },
            ]),
          { items: r.data },
        );
        return;
      }
      const items = await v1Client(o).agencies({
        ...(o.level !== undefined ? { level: o.level } : {}),
        ...(o.since !== undefined ? { since: o.since } : {}),
        ...(o.all ? { includeDisabled: true } : {}),
      });
      out.result(
        () =>
          items.length === 0
            ? 'No agencies.'
            : renderTable(items, [
                { header: 'CODE', value: (a) => a.code },
                { header: 'LEVEL', value: (a) => a.level },
                { header: 'PARENT', value: (a) => a.parentCode },
                { header: 'ENABLED', value: (a) => (a.enabled ? 'yes' : 'no') },
                { header: 'NAME', value: (a) => a.name, max: 70 },
              ]),
        { items },
      );
    });
}
