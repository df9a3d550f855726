import { type Command, Option } from 'commander';

/** The commands that talk to a hub (rather than run or administer one locally). */
export const CLIENT_COMMANDS = ['send', 'inbox', 'fetch', 'ack', 'status', 'timeline', 'sent', 'agencies', 'webhook'];

/**
 * Adds the TLS options of an https hub to a client command: the CA to trust and a client certificate
 * for mutual TLS. Added once the command is fully declared, so that an option the command already has
 * keeps its own meaning (send's `--cert` is also the certificate it signs with).
 */
export function addTlsOptions(command: Command): void {
  const options = [
    new Option('--ca <file>', 'CA certificate(s) to trust for an https hub (PEM)').env('LIENTHONG_CA'),
    new Option('--cert <file>', 'client certificate for mutual TLS (PEM; with --key)').env('LIENTHONG_CLIENT_CERT'),
    new Option('--key <file>', 'private key of the client certificate (PEM)').env('LIENTHONG_CLIENT_KEY'),
  ];
  for (const option of options) {
    if (!command.options.some((o) => o.long === option.long)) command.addOption(option);
  }
}
