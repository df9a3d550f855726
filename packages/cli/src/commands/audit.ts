import type { AuditRecord } from '@lienthong/hub';
import type { Command } from 'commander';
import { type HubDirOptions, withLocalHub } from '../support/hub-module.js';
import { createOutput, formatDate } from '../support/output.js';
import { parsePositiveInt } from '../support/parse-args.js';
import { renderTable } from '../support/table.js';
import { readAnchors } from '../support/trust-anchors.js';
import { verificationFailure } from '../support/verification-failure.js';

interface AuditOptions extends HubDirOptions {
  json?: boolean;
}

export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description("the hub's audit log, a hash chain with signed checkpoints (works on a local data directory)");
  const dirOptions = (c: Command): Command =>
    c
      .option('--data-dir <dir>', "the hub's data directory (default: LIENTHONG_DATA_DIR or ./.lienthong)")
      .option(
        '--database <url>',
        "the hub's PostgreSQL database (default: LIENTHONG_DATABASE_URL, DATABASE_URL; else the data directory's SQLite file)",
      )
      .option('--config <file>', "the hub's JSON configuration file");

  dirOptions(
    audit
      .command('verify')
      .description(
        'prove the log intact from its first entry and every checkpoint signed by the hub; exit 1 naming the first broken entry',
      )
      .option('--anchors <file...>', "roots the hub's certificate must chain to (default: the hub's trust anchors)"),
  ).action(async (_o: AuditOptions & { anchors?: string[] }, cmd: Command) => {
    const o = cmd.optsWithGlobals<AuditOptions & { anchors?: string[] }>();
    const out = createOutput(Boolean(o.json));
    const anchors = o.anchors ? await readAnchors(o.anchors, o) : undefined;
    const v = await withLocalHub(o, (hub) => hub.verifyAudit(anchors ? { anchors } : {}));
    if (v.broken) {
      const b = v.broken;
      throw verificationFailure(
        `audit-${b.kind}`,
        `the audit log is broken at entry ${b.id} (${b.kind}): ${b.message}`,
        v,
      );
    }
    out.result(
      () =>
        [
          `audit log intact: ${v.entries} entries from genesis${v.head ? `, head ${v.head.id} ${v.head.hash}` : ''}`,
          `checkpoints: ${v.checkpoints.valid} of ${v.checkpoints.total} signed by the hub${
            v.checkpoints.latest ? `, latest at entry ${v.checkpoints.latest.seq} (${v.checkpoints.latest.at})` : ''
          }`,
          ...(v.unanchored > 0
            ? [`${v.unanchored} entries after the latest checkpoint (protected by the chain only until the next one)`]
            : []),
        ].join('\n'),
      v,
    );
  });

  dirOptions(
    audit
      .command('list')
      .description('read audit entries, oldest first')
      .option('--since <id>', 'entries after this id', parsePositiveInt)
      .option('--limit <n>', 'at most this many (default 100)', parsePositiveInt),
  ).action(async (_o: AuditOptions & { since?: number; limit?: number }, cmd: Command) => {
    const o = cmd.optsWithGlobals<AuditOptions & { since?: number; limit?: number }>();
    const out = createOutput(Boolean(o.json));
    const items = await withLocalHub(o, (hub) => hub.listAudit(o.since ?? 0, o.limit ?? 100));
    out.result(
      () =>
        items.length === 0
          ? 'No audit entries.'
          : renderTable(items, [
              { header: 'ID', value: (e: AuditRecord) => e.id },
              { header: 'AT', value: (e) => formatDate(e.at) },
              { header: 'ACTOR', value: (e) => e.actor },
              { header: 'ACTION', value: (e) => e.action },
              { header: 'SUBJECT', value: (e) => e.subject },
              { header: 'OUTCOME', value: (e) => (e.outcome === 'ok' ? 'ok' : `refused: ${e.reason ?? ''}`), max: 50 },
              { header: 'HASH', value: (e) => e.hash.slice(0, 16) },
            ]),
      { items: items.map((e) => ({ ...e, payload: JSON.parse(e.payload) })) },
    );
  });

  dirOptions(
    audit.command('checkpoint').description("sign the log's head now, if it moved since the last checkpoint"),
  ).action(async (_o: AuditOptions, cmd: Command) => {
    const o = cmd.optsWithGlobals<AuditOptions>();
    const out = createOutput(Boolean(o.json));
    const c = await withLocalHub(o, (hub) => hub.checkpointAudit());
    out.result(
      () =>
        c ? `signed checkpoint of entry ${c.seq} (${c.hash})` : 'the head has not moved since the last checkpoint',
      c ? { seq: c.seq, hash: c.hash, at: c.at, jws: c.jws } : { checkpoint: null },
    );
  });
}
