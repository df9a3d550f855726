import type { Command } from 'commander';
import { chooseVia, type GlobalOptions, v1Client, vxpClient } from '../support/connection.js';
import { createOutput } from '../support/output.js';
import { oneOf } from '../support/parse-args.js';

interface AckOptions extends GlobalOptions {
  state: 'done' | 'fail' | 'processing';
  description?: string;
}

export function registerAck(program: Command): void {
  program
    .command('ack')
    .description('acknowledge a received package (transport status): done takes it out of the inbox')
    .argument('<docId>', 'the DocId')
    .option('--state <state>', 'done, fail or processing', oneOf(['done', 'fail', 'processing'] as const), 'done')
    .option('--description <text>', 'why (for fail)')
    .option('--via <protocol>', 'v1 or vxp')
    .action(async (docId: string, _opts: AckOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<AckOptions>();
      const out = createOutput(Boolean(o.json));
      if (chooseVia(o) === 'v1') await v1Client(o).ack(docId, o.state, o.description);
      else await vxpClient(o).client.updateStatus(docId, o.state, o.description);
      out.result(() => `Acknowledged ${docId}: ${o.state}`, { docId, state: o.state });
    });
}
