import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { signFile } from '@lienthong/client';
import type { Command } from 'commander';
import { UsageError } from '../support/cli-error.js';
import { createOutput } from '../support/output.js';

interface SignOptions {
  out?: string;
  key: string;
  cert: string;
  chain?: string[];
  algorithm?: 'rsa-sha256' | 'ecdsa-sha256' | 'rsa-sha1';
  json?: boolean;
}

export function registerSign(program: Command): void {
  program
    .command('sign')
    .description('sign an edXML package (enveloped XML-DSig over the whole package, in edXMLHeader)')
    .argument('<file>', 'the package')
    .option('-o, --out <file>', 'where to write the signed package (default: FILE with .signed before its extension)')
    .requiredOption('--key <file>', 'the private key (PEM)')
    .requiredOption('--cert <file>', 'the certificate (PEM; intermediate CA certificates may follow it)')
    .option('--chain <file...>', 'further CA certificates to carry in KeyInfo')
    .option('--algorithm <name>', 'rsa-sha256 or ecdsa-sha256 (default: from the key); rsa-sha1 for legacy peers')
    .action(async (file: string, _o: SignOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<SignOptions>();
      for (const f of [file, o.key, o.cert, ...(o.chain ?? [])]) {
        if (!existsSync(f)) throw new UsageError(`${f}: no such file`);
      }
      const ext = extname(file);
      const output = o.out ?? `${file.slice(0, file.length - ext.length)}.signed${ext || '.edxml'}`;
      const r = await signFile(
        file,
        {
          key: o.key,
          certificate: o.cert,
          ...(o.chain ? { chain: o.chain } : {}),
          ...(o.algorithm ? { algorithm: o.algorithm } : {}),
        },
        { output },
      );
      createOutput(Boolean(o.json)).result(
        () => `${r.signed.replaced ? 'Re-signed' : 'Signed'} ${file} → ${output} (${r.signed.algorithm})`,
        { file: output, algorithm: r.signed.algorithm, digestValue: r.signed.digestValue, replaced: r.signed.replaced },
      );
    });
}
