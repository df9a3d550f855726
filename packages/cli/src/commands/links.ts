import type { Command } from 'commander';
import { loadHub, localConfig, withLocalHub } from '../support/hub-module.js';
import { createOutput } from '../support/output.js';
import { renderTable } from '../support/table.js';

interface LinksOptions {
  dataDir?: string;
  database?: string;
  config?: string;
  json?: boolean;
}

const DATA_DIR = "the hub's data directory (default: LIENTHONG_DATA_DIR or ./.lienthong)";
const DATABASE =
  "the hub's PostgreSQL database (default: LIENTHONG_DATABASE_URL, DATABASE_URL; else the data directory's SQLite file)";

export function registerLinks(program: Command): void {
  const links = program
    .command('links')
    .description(
      "federation: this hub's links to other hubs — queue depth, oldest waiting package, last success, error rate (works directly on the data directory)",
    )
    .option('--data-dir <dir>', DATA_DIR)
    .option('--database <url>', DATABASE)
    .option('--config <file>', "the hub's JSON configuration file (its federation section names the links)")
    .action(async (_o: LinksOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<LinksOptions>();
      const views = await withLocalHub(o, (hub) => hub.federationLinks());
      const now = Date.now();
      createOutput(Boolean(o.json)).result(
        () =>
          views.length === 0
            ? 'No links: this hub has no parent and no children (config section federation).'
            : renderTable(views, [
                { header: 'HUB', value: (v) => v.hubId },
                { header: 'ROLE', value: (v) => v.role },
                { header: 'QUEUE', value: (v) => v.queueDepth },
                {
                  header: 'OLDEST WAITING',
                  value: (v) => (v.oldestWaitingAt ? age(now - v.oldestWaitingAt.getTime()) : '-'),
                },
                {
                  header: 'LAST SUCCESS',
                  value: (v) => (v.lastSuccessAt ? `${age(now - v.lastSuccessAt.getTime())} ago` : 'never'),
                },
                {
                  header: 'ERRORS',
                  value: (v) => `${v.failures}/${v.successes + v.failures} (${(100 * v.errorRate).toFixed(1)}%)`,
                },
                { header: 'DEAD', value: (v) => v.dead },
                { header: 'DIRECTORY', value: (v) => v.directoryCursor },
                { header: 'LAST ERROR', value: (v) => v.lastError ?? '' },
              ]),
        { links: views },
      );
    });

  links
    .command('key')
    .description(
      "prints this hub's link public key (PEM) for the operators of the linked hubs to pin; makes the key at first use",
    )
    .option('--data-dir <dir>', DATA_DIR)
    .option('--config <file>', "the hub's JSON configuration file")
    .action(async (_o: LinksOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<LinksOptions>();
      const mod = await loadHub();
      const identity = await mod.loadLinkIdentity(localConfig(mod, o));
      createOutput(Boolean(o.json)).result(() => identity.publicPem.trimEnd(), {
        publicKey: identity.publicPem,
        keyFile: identity.keyFile,
      });
    });
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}
