import type { Command } from 'commander';
import { type HubDirOptions, loadHub, localConfig } from '../support/hub-module.js';
import { createOutput } from '../support/output.js';

interface MigrateOptions extends HubDirOptions {
  json?: boolean;
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description("bring the hub's database schema up to date (the hub also does it when it starts)")
    .option('--database <url>', 'a PostgreSQL database (default: LIENTHONG_DATABASE_URL, DATABASE_URL)')
    .option(
      '--data-dir <dir>',
      "without a database: the data directory's SQLite file (default: LIENTHONG_DATA_DIR or ./.lienthong)",
    )
    .option('--config <file>', "the hub's JSON configuration file")
    .action(async (_o: MigrateOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<MigrateOptions>();
      const hub = await loadHub();
      const r = await hub.migrateStore(localConfig(hub, o));
      const store = r.backend === 'postgres' ? 'PostgreSQL' : 'SQLite';
      createOutput(Boolean(o.json)).result(
        () =>
          [
            `${store} ${r.location}`,
            ...(r.applied.length === 0
              ? [`Schema version ${r.version}: up to date, nothing applied.`]
              : [
                  ...r.applied.map((m) => `  applied ${String(m.version).padStart(3, '0')} ${m.name}`),
                  `Schema version ${r.version}: ${r.applied.length} migration${r.applied.length === 1 ? '' : 's'} applied.`,
                ]),
          ].join('\n'),
        r,
      );
    });
}
