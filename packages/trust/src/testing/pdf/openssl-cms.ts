// Test support: detached CMS signatures made by the openssl command line (the oracle the PDF
// verifier is checked against).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslSignOptions {
  /** PEM files */
  cert: string;
  key: string;
  chain?: string;
  md?: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /** no signed attributes: the signature is over the content itself */
  noattr?: boolean;
  /** RSA-PSS padding */
  pss?: boolean;
  /** ESS signing-certificate-v2 attribute (CAdES) */
  cades?: boolean;
}

export function opensslSign(data: Uint8Array, options: OpensslSignOptions): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-cms-'));
  try {
    const input = join(dir, 'data.bin');
    const output = join(dir, 'sig.der');
    writeFileSync(input, data);
    const args = ['cms', '-sign', '-binary', '-outform', 'DER', '-in', input, '-out', output];
    args.push('-md', options.md ?? 'sha256', '-signer', options.cert, '-inkey', options.key, '-nosmimecap');
    if (options.chain) args.push('-certfile', options.chain);
    if (options.noattr) args.push('-noattr');
    if (options.pss) args.push('-keyopt', 'rsa_padding_mode:pss');
    if (options.cades) args.push('-cades');
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl cms -sign failed: ${r.stderr}`);
    return readFileSync(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl cms -verify` of a detached signature over `data`: the oracle's opinion. */
export function opensslVerify(signature: Uint8Array, data: Uint8Array, caFile: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-cms-'));
  try {
    writeFileSync(join(dir, 'sig.der'), signature);
    writeFileSync(join(dir, 'data.bin'), data);
    const r = spawnSync(
      'openssl',
      ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der')].concat([
        '-content',
        join(dir, 'data.bin'),
        '-CAfile',
        caFile,
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ]),
      { encoding: 'utf8' },
    );
    return r.status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
