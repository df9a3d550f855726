import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../support/cli-error.js';
import { chooseVia, type GlobalOptions, v1Client, vxpClient } from '../support/connection.js';
import { createOutput } from '../support/output.js';
import { oneOf, parseList } from '../support/parse-args.js';
import { progressBar } from '../support/progress-bar.js';
import { saveReceipt } from '../support/save-receipt.js';
import { sniffMessageType } from '../support/sniff-message-type.js';

interface SendOptions extends GlobalOptions {
  to?: string[];
  type?: 'edoc' | 'status';
  from?: string;
  receiptOut?: string;
  sign?: string;
  cert?: string;
}

export function registerSend(program: Command): void {
  program
    .command('send')
    .description('send an edXML package (document or status); FILE "-" reads standard input')
    .argument('<file>', 'the package')
    .option('--to <codes>', "recipients, comma-separated (overrides the package's To)", parseList)
    .option('--via <protocol>', 'v1 or vxp (default: v1 with an API key, else vxp)')
    .option(
      '--type <type>',
      'VXP message type: edoc or status (default: detected from the file)',
      oneOf(['edoc', 'status'] as const),
    )
    .option('--from <code>', 'VXP sender code (default: --system-id)')
    .option(
      '--receipt-out <file>',
      "where to keep the hub's signed receipt (also in --json output; later: lienthong receipt get)",
    )
    .option('--sign <key>', 'sign the package first with this private key (PEM); needs --cert')
    .option('--cert <file>', 'the signing certificate (PEM; intermediate CA certificates may follow it)')
    .action(async (file: string, _opts: SendOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<SendOptions>();
      const out = createOutput(Boolean(o.json));
      const via = chooseVia(o);
      const fromStdin = file === '-';
      // --cert without --sign is the client certificate of mutual TLS (with --key)
      if (o.sign && !o.cert) throw new UsageError('--sign KEY and --cert CERT go together');
      for (const f of [o.sign, o.cert]) if (f && !existsSync(f)) throw new UsageError(`${f}: no such file`);
      const sign = o.sign && o.cert ? { key: o.sign, certificate: o.cert } : undefined;
      let size: number | undefined;
      if (!fromStdin) {
        const st = await stat(file).catch(() => undefined);
        if (!st?.isFile()) throw new UsageError(`${file}: no such file`);
        size = st.size;
      }
      const source = fromStdin ? process.stdin : file;
      const bar = progressBar('Uploading', out.json, size);
      try {
        if (via === 'v1') {
          const r = await v1Client(o).submit(source, {
            ...(o.to ? { to: o.to } : {}),
            ...(sign ? { sign } : {}),
            onProgress: bar.onProgress,
          });
          bar.stop();
          const receiptFile = await saveReceipt(o.receiptOut, r.receipt);
          out.result(
            () =>
              [
                `${r.duplicate ? 'Already accepted' : 'Sent'} ${r.messageType} ${r.docId}`,
                `  to: ${r.recipients.join(', ')}`,
                ...r.warnings.map((w) => `  warning: ${w}`),
                ...(receiptFile ? [`  receipt: ${receiptFile}`] : []),
              ].join('\n'),
            { ...r, receiptFile },
          );
        } else {
          const { client, systemId } = vxpClient(o);
          const messageType = o.type ?? (fromStdin ? 'edoc' : await sniffMessageType(file));
          const r = await client.sendEdoc(source, {
            from: o.from ?? systemId,
            messageType,
            ...(o.to ? { to: o.to } : {}),
            ...(sign ? { sign } : {}),
            onProgress: bar.onProgress,
          });
          bar.stop();
          const receiptFile = await saveReceipt(o.receiptOut, r.receipt);
          out.result(
            () => [`Sent ${messageType} ${r.DocId}`, ...(receiptFile ? [`  receipt: ${receiptFile}`] : [])].join('\n'),
            { docId: r.DocId, messageType, via: 'vxp', receipt: r.receipt, receiptFile },
          );
        }
      } finally {
        bar.stop();
      }
    });
}
