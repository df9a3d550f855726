import { Command, CommanderError, Option } from 'commander';
import { registerAck } from './commands/ack.js';
import { registerAgencies } from './commands/agencies.js';
import { registerAgency } from './commands/agency.js';
import { registerAudit } from './commands/audit.js';
import { registerBackup } from './commands/backup.js';
import { registerCa } from './commands/ca.js';
import { registerConsoleUser } from './commands/console-user.js';
import { registerFetch } from './commands/fetch.js';
import { registerGc } from './commands/gc.js';
import { registerInbox } from './commands/inbox.js';
import { registerMigrate } from './commands/migrate.js';
import { registerMigrateStore } from './commands/migrate-store.js';
import { registerReceipt } from './commands/receipt.js';
import { registerSend } from './commands/send.js';
import { registerSent } from './commands/sent.js';
import { registerServe } from './commands/serve.js';
import { registerSign } from './commands/sign.js';
import { registerStats } from './commands/stats.js';
import { registerStatus } from './commands/status.js';
import { registerTimeline } from './commands/timeline.js';
import { registerVerify } from './commands/verify.js';
import { EXIT_OK, EXIT_USAGE } from './support/cli-error.js';
import { addTlsOptions, CLIENT_COMMANDS } from './support/client-command.js';
import { DEFAULT_URL } from './support/connection.js';
import { describeError } from './support/describe-error.js';

export function createProgram(): Command {
  const program = new Command('lienthong')
    .description('Lienthong — the open national electronic-document hub: run it, administer it, talk to it')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addOption(new Option('--url <url>', `the hub's URL (default ${DEFAULT_URL})`).env('LIENTHONG_URL'))
    .addOption(new Option('--api-key <key>', 'API key for /v1').env('LIENTHONG_API_KEY'))
    .addOption(new Option('--system-id <id>', 'VXP system id (agency code)').env('LIENTHONG_SYSTEM_ID'))
    .addOption(new Option('--secret <secret>', 'VXP secret').env('LIENTHONG_SECRET'))
    .option('--json', 'print machine-readable JSON only');
  registerServe(program);
  registerAgency(program);
  registerSend(program);
  registerInbox(program);
  registerFetch(program);
  registerAck(program);
  registerStatus(program);
  registerTimeline(program);
  registerSent(program);
  registerAgencies(program);
  registerReceipt(program);
  registerAudit(program);
  for (const command of program.commands) if (CLIENT_COMMANDS.includes(command.name())) addTlsOptions(command);
  registerSign(program);
  registerVerify(program);
  registerCa(program);
  registerStats(program);
  registerGc(program);
  registerBackup(program);
  registerMigrate(program);
  registerMigrateStore(program);
  registerConsoleUser(program);
  return program;
}

/** Run the command line; resolves with the exit code (0 ok, 1 refused by the server, 2 usage error). */
export async function run(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has printed its message already
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const json = argv.includes('--json');
    const d = describeError(err);
    if (json) process.stdout.write(`${JSON.stringify({ error: d.machine }, null, 2)}\n`);
    else process.stderr.write(`${d.human}\n`);
    if (process.env['LIENTHONG_DEBUG'] && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return d.exitCode;
  }
}
