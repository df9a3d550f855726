import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { withLocalHub } from '../support/hub-module.js';
import { createOutput } from '../support/output.js';
import { oneOf } from '../support/parse-args.js';
import { renderTable } from '../support/table.js';

interface DirOptions {
  dataDir?: string;
  database?: string;
  config?: string;
  json?: boolean;
  passwordStdin?: boolean;
}

const ROLES = ['national_operator', 'provincial_operator', 'auditor', 'clerk'] as const;

async function readPassword(o: DirOptions): Promise<{ password: string; generated: boolean }> {
  if (!o.passwordStdin) return { password: randomBytes(12).toString('base64url'), generated: true };
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return {
    password: Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, ''),
    generated: false,
  };
}

/** `lienthong console-user add|passwd|disable|enable|list`: web console accounts of a local hub (docs/console.md). */
export function registerConsoleUser(program: Command): void {
  const cmd = program
    .command('console-user')
    .description("administer the web console's accounts of a local hub (works directly on its data directory)");
  const dirOptions = (c: Command): Command =>
    c
      .option('--data-dir <dir>', "the hub's data directory (default: LIENTHONG_DATA_DIR or ./.lienthong)")
      .option('--database <url>', "the hub's PostgreSQL database (default: LIENTHONG_DATABASE_URL; else SQLite)")
      .option('--config <file>', "the hub's JSON configuration file");

  dirOptions(
    cmd
      .command('add')
      .description('create an account; prints a generated password unless --password-stdin')
      .argument('<username>', 'lowercase letters, digits, dot, dash, underscore')
      .requiredOption('--role <role>', ROLES.join(' | '), oneOf(ROLES))
      .option('--agency <code>', "a clerk's agency, a provincial operator's province")
      .option('--name <name>', 'display name')
      .option('--password-stdin', 'read the password from standard input'),
  ).action(async (username: string, _o: unknown, c: Command) => {
    const o = c.optsWithGlobals<DirOptions & { role: (typeof ROLES)[number]; agency?: string; name?: string }>();
    const out = createOutput(Boolean(o.json));
    const { password, generated } = await readPassword(o);
    const a = await withLocalHub(o, (hub) =>
      hub.console.accounts.add(
        {
          username,
          password,
          role: o.role,
          ...(o.agency ? { agencyCode: o.agency } : {}),
          ...(o.name ? { displayName: o.name } : {}),
        },
        'admin',
      ),
    );
    out.result(
      () =>
        `Added console account ${a.username} (${a.role}${a.agencyCode ? ` ${a.agencyCode}` : ''})` +
        (generated ? `\n  password (shown once): ${password}` : ''),
      { ...a, ...(generated ? { password } : {}) },
    );
  });

  dirOptions(
    cmd
      .command('passwd')
      .description(
        'set a new password (ends its sessions, clears a lock-out); prints a generated one unless --password-stdin',
      )
      .argument('<username>')
      .option('--password-stdin', 'read the password from standard input'),
  ).action(async (username: string, _o: unknown, c: Command) => {
    const o = c.optsWithGlobals<DirOptions>();
    const out = createOutput(Boolean(o.json));
    const { password, generated } = await readPassword(o);
    await withLocalHub(o, (hub) => hub.console.accounts.setPassword(username, password, 'admin'));
    out.result(() => `New password set for ${username}${generated ? `\n  password (shown once): ${password}` : ''}`, {
      username,
      ...(generated ? { password } : {}),
    });
  });

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    dirOptions(
      cmd
        .command(name)
        .description(disabled ? 'refuse sign-in and end its sessions' : 'allow sign-in again')
        .argument('<username>'),
    ).action(async (username: string, _o: unknown, c: Command) => {
      const o = c.optsWithGlobals<DirOptions>();
      const out = createOutput(Boolean(o.json));
      await withLocalHub(o, (hub) => hub.console.accounts.setDisabled(username, disabled, 'admin'));
      out.result(() => `${username} is now ${disabled ? 'disabled' : 'enabled'}`, { username, disabled });
    });
  }

  dirOptions(cmd.command('list').description('list the accounts')).action(async (_o: unknown, c: Command) => {
    const o = c.optsWithGlobals<DirOptions>();
    const out = createOutput(Boolean(o.json));
    const items = await withLocalHub(o, (hub) => hub.console.accounts.list());
    out.result(
      () =>
        items.length === 0
          ? 'No console accounts.'
          : renderTable(items, [
              { header: 'USERNAME', value: (a) => a.username },
              { header: 'ROLE', value: (a) => a.role },
              { header: 'AGENCY', value: (a) => a.agencyCode },
              { header: 'STATE', value: (a) => (a.disabled ? 'disabled' : a.locked ? 'locked' : 'active') },
              { header: 'NAME', value: (a) => a.displayName, max: 50 },
            ]),
      { items },
    );
  });
}
