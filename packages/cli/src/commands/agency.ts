import type { Agency, IssuedCredentials } from '@lienthong/hub';
import type { Command } from 'commander';
import { withLocalHub } from '../support/hub-module.js';
import { createOutput, type Output } from '../support/output.js';
import { oneOf, parsePositiveInt } from '../support/parse-args.js';
import { renderTable } from '../support/table.js';

interface DirOptions {
  dataDir?: string;
  config?: string;
  json?: boolean;
}

interface AddOptions extends DirOptions {
  name: string;
  parent?: string;
  email?: string;
  phone?: string;
  tenant?: boolean;
  tenantId?: string;
}

export function registerAgency(program: Command): void {
  const agency = program
    .command('agency')
    .description('administer the agencies of a local hub (works directly on its data directory)');
  const dirOptions = (c: Command): Command =>
    c
      .option('--data-dir <dir>', "the hub's data directory (default: LIENTHONG_DATA_DIR or ./.lienthong)")
      .option(
        '--database <url>',
        "the hub's PostgreSQL database (default: LIENTHONG_DATABASE_URL, DATABASE_URL; else the data directory's SQLite file)",
      )
      .option('--config <file>', "the hub's JSON configuration file");

  dirOptions(
    agency
      .command('add')
      .description('register an agency and print its credentials (shown once)')
      .argument('<code>', 'agency code, e.g. 000.00.00.H41, or a tenant system id')
      .requiredOption('--name <name>', 'its name, e.g. "UBND tỉnh Nghệ An"')
      .option('--parent <code>', 'parent agency code')
      .option('--email <email>', 'contact e-mail')
      .option('--phone <phone>', 'contact phone')
      .option('--tenant', 'a shared-server tenant that sends on behalf of its units')
      .option('--tenant-id <id>', 'the tenant this unit belongs to'),
  ).action(async (code: string, _o: AddOptions, cmd: Command) => {
    const o = cmd.optsWithGlobals<AddOptions>();
    const out = createOutput(Boolean(o.json));
    const r = await withLocalHub(o, (hub) =>
      hub.addAgency({
        code,
        name: o.name,
        ...(o.parent ? { parentCode: o.parent } : {}),
        ...(o.email ? { email: o.email } : {}),
        ...(o.phone ? { phone: o.phone } : {}),
        ...(o.tenant ? { isTenant: true } : {}),
        ...(o.tenantId ? { tenantId: o.tenantId } : {}),
      }),
    );
    printCredentials(out, `Added ${r.agency.code} — ${r.agency.name}`, r.credentials, r.agency);
  });

  dirOptions(
    agency
      .command('list')
      .description('list the directory')
      .option('--level <n>', 'only this level (1 ministry/province … 4 commune, 0 tenants)', parsePositiveInt)
      .option('--all', 'include disabled agencies'),
  ).action(async (_o: DirOptions & { level?: number; all?: boolean }, cmd: Command) => {
    const o = cmd.optsWithGlobals<DirOptions & { level?: number; all?: boolean }>();
    const out = createOutput(Boolean(o.json));
    const items = await withLocalHub(o, (hub) =>
      hub.listAgencies({ ...(o.level !== undefined ? { level: o.level } : {}), includeDisabled: Boolean(o.all) }),
    );
    out.result(
      () =>
        items.length === 0
          ? 'No agencies.'
          : renderTable(items, [
              { header: 'CODE', value: (a: Agency) => a.code },
              { header: 'LEVEL', value: (a) => a.level },
              { header: 'PARENT', value: (a) => a.parentCode },
              { header: 'ENABLED', value: (a) => (a.enabled ? 'yes' : 'no') },
              {
                header: 'KIND',
                value: (a) => (a.isTenant ? 'tenant' : a.tenantId ? `unit of ${a.tenantId}` : a.demo ? 'demo' : ''),
              },
              { header: 'NAME', value: (a) => a.name, max: 70 },
            ]),
      { items },
    );
  });

  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    dirOptions(
      agency
        .command(name)
        .description(enabled ? 'let an agency connect again' : "refuse an agency's requests (its documents are kept)")
        .argument('<code>', 'agency code'),
    ).action(async (code: string, _o: DirOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<DirOptions>();
      const out = createOutput(Boolean(o.json));
      const a = await withLocalHub(o, (hub) => hub.setAgencyEnabled(code, enabled));
      out.result(() => `${a.code} is now ${a.enabled ? 'enabled' : 'disabled'}`, a);
    });
  }

  dirOptions(
    agency
      .command('policy')
      .description("an agency's signature policy at intake: off, report, require, or default (the hub's)")
      .argument('<code>', 'agency code')
      .argument(
        '<policy>',
        'off | report | require | default',
        oneOf(['off', 'report', 'require', 'default'] as const),
      ),
  ).action(async (code: string, policy: 'off' | 'report' | 'require' | 'default', _o: DirOptions, cmd: Command) => {
    const o = cmd.optsWithGlobals<DirOptions>();
    const out = createOutput(Boolean(o.json));
    const a = await withLocalHub(o, (hub) => hub.setSignaturePolicy(code, policy === 'default' ? null : policy));
    out.result(
      () =>
        `${a.code}: signature policy ${a.signaturePolicy ?? 'default (the hub’s trust.signaturePolicy)'}` +
        '\nA running hub applies it to the next package.',
      a,
    );
  });

  dirOptions(
    agency
      .command('rotate')
      .description("replace an agency's VXP secret and API key; the old ones stop working")
      .argument('<code>', 'agency code'),
  ).action(async (code: string, _o: DirOptions, cmd: Command) => {
    const o = cmd.optsWithGlobals<DirOptions>();
    const out = createOutput(Boolean(o.json));
    const credentials = await withLocalHub(o, (hub) => hub.rotateCredentials(code));
    printCredentials(out, `New credentials for ${code}`, credentials);
  });
}

function printCredentials(out: Output, title: string, c: IssuedCredentials, agency?: Agency): void {
  out.result(
    () =>
      [
        title,
        '',
        `  system id   ${c.systemId}`,
        `  VXP secret  ${c.vxpSecret}`,
        `  API key     ${c.apiKey}`,
        '',
        'These are shown once: store them now. A lost secret is replaced with `lienthong agency rotate`.',
      ].join('\n'),
    agency ? { agency, credentials: c } : { credentials: c },
  );
}
