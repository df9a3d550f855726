import type { Command } from 'commander';
import { type HubDirOptions, loadHub, localConfig, withLocalHub } from '../support/hub-module.js';
import { createOutput, formatBytes } from '../support/output.js';
import { verificationFailure } from '../support/verification-failure.js';

interface BackupCommandOptions extends HubDirOptions {
  to: string;
  json?: boolean;
}

interface RestoreCommandOptions extends HubDirOptions {
  from: string;
  json?: boolean;
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('online backup of an embedded hub (database snapshot, blobs, keys), safe while the hub runs')
    .requiredOption('--to <dir>', 'a new directory for the backup')
    .option('--data-dir <dir>', "the hub's data directory (default: LIENTHONG_DATA_DIR or ./.lienthong)")
    .option('--config <file>', "the hub's JSON configuration file")
    .action(async (_o: BackupCommandOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<BackupCommandOptions>();
      const hub = await loadHub();
      const { dataDir } = localConfig(hub, o);
      const m = await hub.backupDataDir({ dataDir, to: o.to });
      createOutput(Boolean(o.json)).result(
        () =>
          [
            `Backup of ${dataDir} in ${o.to}: everything committed before ${m.startedAt}.`,
            `${m.documents} documents, ${m.deliveries} deliveries, ${m.audit.entries} audit entries${
              m.audit.head ? ` (head ${m.audit.head.id} ${m.audit.head.hash})` : ''
            }; ${m.blobs.count} blob files (${formatBytes(m.blobs.bytes)}), database ${formatBytes(m.database.size)}, ${m.files.length} other files.`,
          ].join('\n'),
        m,
      );
    });

  program
    .command('restore')
    .description('check a backup (every digest) and restore it into a new data directory; then verify its audit log')
    .requiredOption('--from <dir>', 'the backup directory')
    .option('--data-dir <dir>', 'the data directory to create (default: LIENTHONG_DATA_DIR or ./.lienthong)')
    .option('--config <file>', "the hub's JSON configuration file")
    .action(async (_o: RestoreCommandOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<RestoreCommandOptions>();
      const hub = await loadHub();
      const { dataDir } = localConfig(hub, o);
      const m = await hub.restoreDataDir({ from: o.from, dataDir });
      const audit = await withLocalHub(o, (h) => h.verifyAudit());
      if (audit.broken) {
        throw verificationFailure(
          `audit-${audit.broken.kind}`,
          `restored, but the audit log is broken at entry ${audit.broken.id}: ${audit.broken.message}`,
          { manifest: m, audit },
        );
      }
      createOutput(Boolean(o.json)).result(
        () =>
          [
            `Restored ${o.from} (taken ${m.startedAt}) into ${dataDir}: ${m.documents} documents, ${m.blobs.count} blob files, every digest checked.`,
            `Audit log intact: ${audit.entries} entries, ${audit.checkpoints.valid} of ${audit.checkpoints.total} checkpoints signed by the hub.`,
          ].join('\n'),
        { manifest: m, audit },
      );
    });
}
