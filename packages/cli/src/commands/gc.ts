import type { Command } from 'commander';
import { withLocalHub } from '../support/hub-module.js';
import { createOutput, formatBytes } from '../support/output.js';
import { parsePositiveInt } from '../support/parse-args.js';

interface GcCommandOptions {
  dataDir?: string;
  config?: string;
  minAge: number;
  dryRun?: boolean;
  json?: boolean;
}

export function registerGc(program: Command): void {
  program
    .command('gc')
    .description('delete blob files no document references (left by a crash), on a local data directory')
    .option('--data-dir <dir>', "the hub's data directory (default: LIENTHONG_DATA_DIR or ./.lienthong)")
    .option(
      '--database <url>',
      "the hub's PostgreSQL database (default: LIENTHONG_DATABASE_URL, DATABASE_URL; else the data directory's SQLite file)",
    )
    .option('--config <file>', "the hub's JSON configuration file")
    .option(
      '--min-age <seconds>',
      'only files older than this (an intake in flight is younger)',
      parsePositiveInt,
      3600,
    )
    .option('--dry-run', 'count the orphans, delete nothing')
    .action(async (_o: GcCommandOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<GcCommandOptions>();
      const r = await withLocalHub(o, (hub) =>
        hub.collectGarbage({ minAgeSeconds: o.minAge, dryRun: Boolean(o.dryRun) }),
      );
      createOutput(Boolean(o.json)).result(
        () =>
          [
            `Scanned ${r.scanned} blob files; ${r.orphans} unreferenced and older than ${o.minAge} s (${formatBytes(r.orphanBytes)}).`,
            r.dryRun ? 'Dry run: nothing deleted.' : `Deleted ${r.removed} files, ${formatBytes(r.bytesFreed)} freed.`,
          ].join('\n'),
        { ...r, minAgeSeconds: o.minAge },
      );
    });
}
