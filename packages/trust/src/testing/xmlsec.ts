// Test support: the xmlsec1 command line (Debian xmlsec1 1.2.x, OpenSSL backend) as the reference
// implementation of XML-DSig.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { C14N_URI, type C14nAlgorithm, EXC_C14N_URI } from '../c14n/algorithms.js';
import { DSIG_NS, ENVELOPED_SIGNATURE_URI } from '../xmldsig/algorithms.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'lienthong-xmlsec-'));
let counter = 0;

function file(bytes: Uint8Array | string): string {
  const path = join(work, `doc-${++counter}.xml`);
  writeFileSync(path, bytes);
  return path;
}

/** Runs `xmlsec1 --verify`; true when it answers OK. */
export async function xmlsecVerifies(bytes: Uint8Array, trusted: string, untrusted: string): Promise<boolean> {
  try {
    await run('xmlsec1', ['--verify', '--trusted-pem', trusted, '--untrusted-pem', untrusted, file(bytes)]);
    return true;
  } catch {
    return false;
  }
}

export interface TemplateOptions {
  signatureMethod: string;
  digestMethod: string;
  /** canonicalization of SignedInfo and of the package */
  c14n?: C14nAlgorithm;
}

/** An empty enveloped Signature template for `xmlsec1 --sign`. */
export function signatureTemplate(options: TemplateOptions): string {
  const c14n = options.c14n === 'c14n' ? C14N_URI : EXC_C14N_URI;
  return (
    `<Signature xmlns="${DSIG_NS}"><SignedInfo><CanonicalizationMethod Algorithm="${c14n}"/>` +
    `<SignatureMethod Algorithm="${options.signatureMethod}"/><Reference URI=""><Transforms>` +
    `<Transform Algorithm="${ENVELOPED_SIGNATURE_URI}"/><Transform Algorithm="${c14n}"/></Transforms>` +
    `<DigestMethod Algorithm="${options.digestMethod}"/><DigestValue/></Reference></SignedInfo>` +
    '<SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature>'
  );
}

/** Signs a package holding a template with `xmlsec1 --sign`; the key file is followed by its certificates. */
export async function xmlsecSign(template: Uint8Array | string, keyFile: string, certFiles: string[]): Promise<Buffer> {
  const output = join(work, `signed-${++counter}.xml`);
  await run('xmlsec1', [
    '--sign',
    '--privkey-pem',
    [keyFile, ...certFiles].join(','),
    '--output',
    output,
    file(template),
  ]);
  return readFile(output);
}
