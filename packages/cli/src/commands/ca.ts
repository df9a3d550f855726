// `lienthong ca …`: the development certificate authority of a hub (<dataDir>/pki/ca by default),
// standing in for the government CA: issue agency and hub certificates, revoke them, publish CRLs.
import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  initCa,
  issueAgencyCert,
  issueHubCert,
  type KeyType,
  loadState,
  type RevocationReason,
  revoke,
  writeCrl,
} from '@lienthong/trust';
import type { Command } from 'commander';
import { UsageError } from '../support/cli-error.js';
import { loadHub, localConfig } from '../support/hub-module.js';
import { createOutput } from '../support/output.js';
import { oneOf, parseList, parsePositiveInt } from '../support/parse-args.js';
import { renderTable } from '../support/table.js';

interface CaOptions {
  dir?: string;
  dataDir?: string;
  config?: string;
  json?: boolean;
}

const KEY_TYPES = ['ec-p256', 'rsa-2048', 'rsa-3072'] as const;
const REASONS = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
] as const;

export function registerCa(program: Command): void {
  const ca = program
    .command('ca')
    .description('the development certificate authority (DEVELOPMENT ONLY: not the government CA)');
  const caOptions = (c: Command): Command =>
    c
      .option('--dir <dir>', 'the CA directory (default: <data dir>/pki/ca, the hub’s own development CA)')
      .option('--data-dir <dir>', "the hub's data directory (default: LIENTHONG_DATA_DIR or ./.lienthong)")
      .option('--config <file>', "the hub's JSON configuration file");

  caOptions(
    ca
      .command('init')
      .description('create a root and an intermediate CA (a hub creates its own at first start)')
      .option('--key-type <type>', `${KEY_TYPES.join(', ')} (default ec-p256)`, oneOf(KEY_TYPES)),
  ).action(async (_o: CaOptions, cmd: Command) => {
    const o = cmd.optsWithGlobals<CaOptions & { keyType?: KeyType }>();
    const dir = await caDir(o, false);
    const { root, intermediate } = await initCa(dir, { keyType: o.keyType ?? 'ec-p256' });
    createOutput(Boolean(o.json)).result(
      () =>
        [
          `Created a development CA in ${dir}`,
          `  root          ${join(dir, 'root.pem')}  (trust anchor: give it to verifiers)`,
          `  intermediate  ${join(dir, 'intermediate.pem')}`,
          `  CRLs          ${join(dir, 'crl.pem')}, ${join(dir, 'root-crl.pem')}`,
        ].join('\n'),
      {
        dir,
        root: { file: join(dir, 'root.pem'), subject: root.certificate.subject.replace(/\n/g, ', ') },
        intermediate: {
          file: join(dir, 'intermediate.pem'),
          subject: intermediate.certificate.subject.replace(/\n/g, ', '),
        },
      },
    );
  });

  caOptions(
    ca
      .command('issue')
      .description('issue an agency signing certificate (--agency) or a hub certificate (--hub)')
      .option('--agency <code>', 'the agency code, written as the subject UID')
      .option('--name <name>', 'the agency’s (or hub’s) name')
      .option('--hub', 'a hub certificate (TLS server and client, receipts)')
      .option('--dns <names>', 'hub: DNS names, comma-separated (default localhost)', parseList)
      .option('--ip <addresses>', 'hub: IP addresses, comma-separated (default 127.0.0.1)', parseList)
      .option('--key-type <type>', `${KEY_TYPES.join(', ')} (default ec-p256)`, oneOf(KEY_TYPES))
      .option('--days <n>', 'validity in days', parsePositiveInt)
      .option('-o, --out <dir>', 'also write <name>.pem (certificate + intermediate) and <name>.key here'),
  ).action(async (_o: CaOptions, cmd: Command) => {
    const o = cmd.optsWithGlobals<
      CaOptions & {
        agency?: string;
        name?: string;
        hub?: boolean;
        dns?: string[];
        ip?: string[];
        keyType?: KeyType;
        days?: number;
        out?: string;
      }
    >();
    if (Boolean(o.hub) === Boolean(o.agency)) throw new UsageError('give either --agency CODE (with --name) or --hub');
    if (o.agency && !o.name) throw new UsageError('--agency needs --name');
    const dir = await caDir(o);
    const common = { keyType: o.keyType ?? 'ec-p256', ...(o.days ? { validityDays: o.days } : {}) } as const;
    const issued = o.agency
      ? await issueAgencyCert(dir, { agencyCode: o.agency, name: o.name!, ...common })
      : await issueHubCert(dir, {
          ...(o.name ? { name: o.name } : {}),
          ...(o.dns ? { dnsNames: o.dns } : {}),
          ...(o.ip ? { ipAddresses: o.ip } : {}),
          ...common,
        });
    const record = issued.record;
    const files = { certificate: join(dir, record.certificateFile), key: join(dir, record.keyFile) };
    if (o.out) {
      const base = o.agency ?? 'hub';
      const chain = await readFile(join(dir, 'intermediate.pem'), 'utf8');
      const out = { certificate: join(o.out, `${base}.pem`), key: join(o.out, `${base}.key`) };
      await writeFile(out.certificate, issued.certificate.toString() + chain, { mode: 0o644 });
      await copyFile(files.key, out.key);
      Object.assign(files, out);
    }
    createOutput(Boolean(o.json)).result(
      () =>
        [
          `Issued ${record.kind} certificate ${record.serialNumber}`,
          `  subject      ${record.subject}`,
          `  valid until  ${record.notAfter}`,
          `  certificate  ${files.certificate}`,
          `  key          ${files.key}  (keep it secret)`,
        ].join('\n'),
      { ...record, files },
    );
  });

  caOptions(
    ca
      .command('revoke')
      .description('revoke a certificate; publish it with `lienthong ca crl`')
      .argument('<serial>', 'the serial number (hexadecimal, as `ca list` shows it)')
      .option('--reason <reason>', REASONS.join(', '), oneOf(REASONS)),
  ).action(async (serial: string, _o: CaOptions, cmd: Command) => {
    const o = cmd.optsWithGlobals<CaOptions & { reason?: RevocationReason }>();
    const record = await revoke(await caDir(o), serial, o.reason ?? 'unspecified');
    createOutput(Boolean(o.json)).result(
      () =>
        `Revoked ${record.serialNumber} (${record.subject}), reason ${record.revoked!.reason}.\n` +
        'Run `lienthong ca crl` to publish it; a running hub reads the CRL at its next refresh.',
      record,
    );
  });

  caOptions(ca.command('crl').description('write fresh CRLs (crl.pem, root-crl.pem) listing every revocation')).action(
    async (_o: CaOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<CaOptions>();
      const r = await writeCrl(await caDir(o));
      createOutput(Boolean(o.json)).result(
        () =>
          `Wrote CRL number ${r.crlNumber}: ${r.file} and ${r.rootFile}\n` +
          'A running hub picks it up at its next CRL refresh (trust.crlRefreshSeconds).',
        r,
      );
    },
  );

  caOptions(ca.command('list').description('every certificate this CA issued')).action(
    async (_o: CaOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<CaOptions>();
      const dir = await caDir(o);
      const state = await loadState(dir);
      createOutput(Boolean(o.json)).result(
        () =>
          state.issued.length === 0
            ? 'No certificates issued yet.'
            : renderTable(state.issued, [
                { header: 'SERIAL', value: (r) => r.serialNumber },
                { header: 'KIND', value: (r) => r.kind },
                { header: 'AGENCY', value: (r) => r.agencyCode },
                { header: 'VALID UNTIL', value: (r) => r.notAfter.slice(0, 10) },
                {
                  header: 'REVOKED',
                  value: (r) => (r.revoked ? `${r.revoked.at.slice(0, 10)} ${r.revoked.reason}` : ''),
                },
                { header: 'SUBJECT', value: (r) => r.subject, max: 70 },
              ]),
        { dir, crlNumber: state.crlNumber, issued: state.issued },
      );
    },
  );
}

async function caDir(o: CaOptions, mustExist = true): Promise<string> {
  const dir = o.dir ?? join(localConfig(await loadHub(), o).dataDir, 'pki', 'ca');
  if (mustExist && !existsSync(join(dir, 'root.pem'))) {
    throw new UsageError(`${dir} holds no CA: run \`lienthong ca init --dir ${dir}\`, or start the hub once`);
  }
  if (!mustExist && existsSync(join(dir, 'root.pem'))) {
    throw new UsageError(`${dir} already holds a CA (root.pem exists)`);
  }
  return dir;
}
