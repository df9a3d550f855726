import type { Command } from 'commander';
import { loadHub, localConfig } from '../support/hub-module.js';
import { createOutput, formatBytes } from '../support/output.js';
import { verificationFailure } from '../support/verification-failure.js';

interface MigrateStoreCommandOptions {
  from: string;
  to: string;
  config?: string;
  targetDataDir?: string;
  batchSize?: string;
  quickVerify?: boolean;
  tmpDir?: string;
  json?: boolean;
}

export function registerMigrateStore(program: Command): void {
  program
    .command('migrate-store')
    .description(
      'copy an embedded hub (SQLite + blob files) into PostgreSQL and the configured blob store, verify it; resumable',
    )
    .requiredOption('--from <dir>', "the embedded hub's data directory (stop the hub first)")
    .requiredOption(
      '--to <url>',
      'the target PostgreSQL database (new and empty, or one this command was copying into)',
    )
    .option(
      '--config <file>',
      "a JSON configuration file: its blobs.* say where the target's blob files go (also LIENTHONG_BLOBS_BACKEND, LIENTHONG_S3_*)",
    )
    .option(
      '--target-data-dir <dir>',
      'with blobs.backend fs: the data directory that gets the blob files (default: --from)',
    )
    .option('--batch-size <rows>', 'rows per copied batch (default 1000)')
    .option('--tmp-dir <dir>', 'where the database snapshot is made (default: the OS temp directory)')
    .option('--quick-verify', "verify the target's blobs by size only, without re-reading and hashing them")
    .action(async (_o: MigrateStoreCommandOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<MigrateStoreCommandOptions>();
      const hub = await loadHub();
      // validates the URL (PostgreSQL only) and reads blobs.* from the file and the environment
      const config = localConfig(hub, { dataDir: o.from, database: o.to, ...(o.config ? { config: o.config } : {}) });
      const batchSize = o.batchSize === undefined ? undefined : Number(o.batchSize);
      if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
        throw new Error(`--batch-size must be a positive integer, not ${o.batchSize}`);
      }
      const r = await hub.migrateEmbeddedStore({
        from: config.dataDir,
        to: config.database ?? o.to,
        blobs: config.blobs,
        ...(o.targetDataDir ? { targetDataDir: o.targetDataDir } : {}),
        ...(batchSize ? { batchSize } : {}),
        ...(o.tmpDir ? { tmpDir: o.tmpDir } : {}),
        verifyBlobBytes: !o.quickVerify,
      });
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
      if (!r.verification.ok) {
        throw verificationFailure(
          'migrate-store-verification',
          `copied, but the target does not match the source:\n  ${r.verification.problems.join('\n  ')}`,
          r,
        );
      }
      createOutput(Boolean(o.json)).result(
        () =>
          [
            `${r.resumed ? 'Resumed: copied' : 'Copied'} ${r.source.dataDir} (schema ${r.source.schemaVersion}) into ${r.target.database}, blobs into ${r.target.blobs}.`,
            ...r.tables.map(
              (t) =>
                `  ${t.name.padEnd(24)} ${String(t.rows).padStart(9)} rows${t.alreadyCopied ? ` (${t.alreadyCopied} by an earlier run)` : ''}`,
            ),
            `Blob files: ${r.blobs.referenced} referenced, ${r.blobs.copied} copied (${formatBytes(r.blobs.copiedBytes)}), ${r.blobs.present} already there.`,
            `Verified: row counts and counters equal, audit head ${
              r.verification.auditHead.target
                ? `${r.verification.auditHead.target.id} ${r.verification.auditHead.target.hash}`
                : '(empty log)'
            }, ${r.verification.blobsVerified} blob files ${r.verification.blobBytesHashed ? 're-hashed' : 'present by size'} in the target.`,
          ].join('\n'),
        r,
      );
    });
}
