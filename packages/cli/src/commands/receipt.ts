import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { verifyReceipt } from '@lienthong/trust';
import type { Command } from 'commander';
import { UsageError } from '../support/cli-error.js';
import { type GlobalOptions, v1Client } from '../support/connection.js';
import { type HubDirOptions, withLocalHub } from '../support/hub-module.js';
import { createOutput } from '../support/output.js';
import { packageDigests } from '../support/package-digest.js';
import { readAnchors } from '../support/trust-anchors.js';
import { verificationFailure } from '../support/verification-failure.js';

interface GetOptions extends GlobalOptions, HubDirOptions {
  out?: string;
}

interface VerifyOptions extends HubDirOptions {
  anchors?: string[];
  package?: string;
  json?: boolean;
}

export function registerReceipt(program: Command): void {
  const receipt = program.command('receipt').description("the hub's signed receipts of accepted packages");

  receipt
    .command('get')
    .description('fetch the receipt of a package you sent (with --data-dir: of any package, as the operator)')
    .argument('<docId>', 'the DocId the hub gave the package')
    .option('-o, --out <file>', 'write it to this file (default: standard output)')
    .option('--data-dir <dir>', "read it from a local hub's data directory instead of over /v1")
    .option('--database <url>', "with --data-dir: the local hub's PostgreSQL database")
    .option('--config <file>', "the local hub's JSON configuration file")
    .action(async (docId: string, _o: GetOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<GetOptions>();
      const out = createOutput(Boolean(o.json));
      const jws =
        o.dataDir || o.config || o.database
          ? await withLocalHub(o, (hub) => hub.receipt({ systemId: 'admin', via: 'admin' }, docId))
          : await v1Client(o).receipt(docId);
      if (o.out) await writeFile(o.out, `${jws}\n`);
      if (o.out) out.result(() => `Receipt of ${docId} written to ${o.out}`, { docId, receipt: jws, file: o.out });
      else out.result(() => jws, { docId, receipt: jws });
    });

  receipt
    .command('verify')
    .description("check a receipt offline: the hub's signature and certificate chain, and optionally the package")
    .argument('<file>', 'the receipt (compact JWS, as saved by `lienthong send` or `receipt get`)')
    .option('--anchors <file...>', "trust anchors (root CA PEM); default: the local hub's development CA")
    .option('--package <file>', 'the package that was sent: its SHA-256 must be the one the hub signed')
    .option('--data-dir <dir>', 'the hub data directory whose development CA to trust by default')
    .option('--config <file>', "the hub's JSON configuration file")
    .action(async (file: string, _o: VerifyOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<VerifyOptions>();
      const out = createOutput(Boolean(o.json));
      if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
      if (o.package && !existsSync(o.package)) throw new UsageError(`${o.package}: no such file`);
      const jws = (await readFile(file, 'utf8')).trim();
      const v = await verifyReceipt(jws, await readAnchors(o.anchors, o));
      const errors = v.reasons.filter((r) => r.severity !== 'note');
      if (!v.valid) {
        const why = errors.map((r) => `${r.code}: ${r.message}`).join('; ');
        throw verificationFailure('receipt-invalid', `${file}: not a valid receipt — ${why}`, v);
      }
      const f = v.fields!;
      let matched: string | undefined;
      if (o.package) {
        const d = await packageDigests(o.package);
        if (f.sha256 !== d.whole && f.sha256 !== d.fromXml) {
          throw verificationFailure(
            'sha256-mismatch',
            `${o.package} is not the package of this receipt: its SHA-256 is ${d.whole}, the receipt's ${f.sha256}`,
            { fields: f, sha256: d.whole },
          );
        }
        matched = o.package;
      }
      out.result(
        () =>
          [
            `${file}: valid receipt`,
            `  docId:       ${f.docId}`,
            `  accepted at: ${f.acceptedAt}${f.hubId ? ` by ${f.hubId}` : ''}`,
            `  signed by:   ${v.hub?.subject ?? ''}`,
            `  sender:      ${f.sender}`,
            `  recipients:  ${f.recipients.join(', ') || '(none)'}`,
            `  sha256:      ${f.sha256} (${f.size} bytes)`,
            ...(matched ? [`  package:     ${matched} matches`] : []),
          ].join('\n'),
        { valid: true, fields: f, hub: v.hub, ...(matched ? { package: matched, packageMatches: true } : {}) },
      );
    });
}
