import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyPackage } from '@lienthong/client';
import type { Command } from 'commander';
import { UsageError } from '../support/cli-error.js';
import { loadHub, localConfig } from '../support/hub-module.js';
import { createOutput } from '../support/output.js';
import { renderSignature } from '../support/render-signature.js';

interface VerifyOptions {
  anchors?: string[];
  intermediates?: string[];
  crl?: string[];
  agency?: string;
  dataDir?: string;
  config?: string;
  json?: boolean;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description("check a package's XML signature; exit code 1 unless it is valid")
    .argument('<file>', 'the package')
    .option('--anchors <file...>', "trust anchors (root CA PEM); default: the local hub's development CA")
    .option('--intermediates <file...>', 'intermediate CA certificates (PEM)')
    .option('--crl <file...>', 'CRLs (PEM or DER)')
    .option('--agency <code>', 'the agency that must have signed it (the certificate’s UID)')
    .option('--data-dir <dir>', 'the hub data directory whose development CA to trust by default')
    .option('--config <file>', "the hub's JSON configuration file")
    .action(async (file: string, _o: VerifyOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<VerifyOptions>();
      if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
      const trust = o.anchors ? trustFromFlags(o) : await devCaTrust(o);
      const read = (files: string[]) => Promise.all(files.map((f) => readFile(f)));
      const verdict = await verifyPackage(createReadStream(file), {
        trustAnchors: (await read(trust.anchors)).map((b) => b.toString('utf8')),
        intermediates: (await read(trust.intermediates)).map((b) => b.toString('utf8')),
        crls: await read(trust.crls),
        ...(o.agency ? { expectedSigner: { agencyCode: o.agency } } : {}),
      });
      const out = createOutput(Boolean(o.json));
      if (verdict.status === 'valid') {
        out.result(() => [`${file}:`, ...renderSignature(verdict)].join('\n'), verdict);
        return;
      }
      if (!out.json) process.stdout.write(`${[`${file}:`, ...renderSignature(verdict)].join('\n')}\n`);
      throw Object.assign(new Error(`signature ${verdict.status}`), {
        code: `signature-${verdict.status}`,
        details: verdict,
      });
    });
}

interface TrustFiles {
  anchors: string[];
  intermediates: string[];
  crls: string[];
}

function trustFromFlags(o: VerifyOptions): TrustFiles {
  const files = { anchors: o.anchors ?? [], intermediates: o.intermediates ?? [], crls: o.crl ?? [] };
  for (const f of [...files.anchors, ...files.intermediates, ...files.crls]) {
    if (!existsSync(f)) throw new UsageError(`${f}: no such file`);
  }
  return files;
}

async function devCaTrust(o: VerifyOptions): Promise<TrustFiles> {
  const dir = join(localConfig(await loadHub(), o).dataDir, 'pki', 'ca');
  if (!existsSync(join(dir, 'root.pem'))) {
    throw new UsageError(`no trust anchors: give --anchors ROOT.pem (no development CA in ${dir})`);
  }
  const crls = [join(dir, 'crl.pem'), join(dir, 'root-crl.pem')].filter((f) => existsSync(f));
  return {
    anchors: [join(dir, 'root.pem')],
    intermediates: [join(dir, 'intermediate.pem'), ...(o.intermediates ?? [])],
    crls: [...crls, ...(o.crl ?? [])],
  };
}
