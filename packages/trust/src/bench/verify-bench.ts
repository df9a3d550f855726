// Verification throughput of a small signed package (Lienthong, xmlsec1, xml-crypto) on one core,
// and peak RSS of signing and verifying a package with a 100 MiB attachment.
// Run after building: node packages/trust/dist/bench/verify-bench.js [--seconds 3]
import { execFile, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { testPki } from '../testing/dev-pki.js';
import { builtPackage, builtPackageSource, sourceOf } from '../testing/sample-packages.js';
import { signToBuffer } from '../testing/sign-to-buffer.js';
import { ChainCache } from '../x509/chain-cache.js';
import { signPackage } from '../xmldsig/sign-package.js';
import { verifyPackage } from '../xmldsig/verify-package.js';

const run = promisify(execFile);
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;

async function rate(label: string, once: () => Promise<unknown> | unknown, budgetMs = seconds * 1000) {
  for (let i = 0; i < 20; i++) await once();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    await once();
    n++;
  }
  const perSecond = n / ((performance.now() - start) / 1000);
  return { label, perSecond: Math.round(perSecond * 10) / 10, runs: n };
}

async function child(mode: string, dir: string): Promise<void> {
  const pki = await testPki();
  if (mode === 'sign') {
    const signed = await signPackage(builtPackageSource(100 * 1024 * 1024), {
      key: pki.agencyRsa.privateKey,
      certificate: pki.agencyRsa.certificate,
      chain: [pki.intermediate.certificate],
    });
    await pipeline(Readable.from(signed.bytes()), createWriteStream(join(dir, 'large.edxml')));
    writeFileSync(join(dir, 'root.pem'), pki.root.certificate.toString());
  } else {
    const { readFileSync } = await import('node:fs');
    const verdict = await verifyPackage(createReadStream(join(dir, 'large.edxml'), { highWaterMark: 256 * 1024 }), {
      trustAnchors: [readFileSync(join(dir, 'root.pem'), 'utf8')],
    });
    if (verdict.status !== 'valid') throw new Error(JSON.stringify(verdict.reasons));
  }
  process.stdout.write(JSON.stringify({ maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-bench-'));
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!);

  const pki = await testPki();
  const signed = await signToBuffer(sourceOf(await builtPackage(5 * 1024)), pki.agencyRsa, pki.intermediate);
  const file = join(dir, 'small.edxml');
  writeFileSync(file, signed);
  const options = { trustAnchors: [pki.root.certificate], intermediates: [pki.intermediate.certificate] };
  const check = await verifyPackage([signed], options);
  if (check.status !== 'valid') throw new Error(JSON.stringify(check.reasons));

  const rows = [];
  rows.push(await rate('Lienthong verifyPackage (digest, signature, chain)', () => verifyPackage([signed], options)));
  // the same package signed as the load harness's pool is (ECDSA P-256): what intake verifies
  const signedEc = await signToBuffer(sourceOf(await builtPackage(5 * 1024)), pki.agencyEc, pki.intermediate);
  const checkEc = await verifyPackage([signedEc], options);
  if (checkEc.status !== 'valid') throw new Error(JSON.stringify(checkEc.reasons));
  rows.push(
    await rate('Lienthong verifyPackage, ECDSA P-256 (digest, signature, chain)', () =>
      verifyPackage([signedEc], options),
    ),
  );
  // as the hub verifies at intake: the certification path's verdict reused from the previous package
  const cached = { ...options, chainCache: new ChainCache() };
  rows.push(
    await rate('Lienthong verifyPackage, ECDSA P-256, chain verdict cached (as at intake)', () =>
      verifyPackage([signedEc], cached),
    ),
  );

  const xmlsecArgs = ['--verify', '--trusted-pem', pki.files.root, '--untrusted-pem', pki.files.intermediate];
  rows.push(await rate('xmlsec1 --verify, one process per package', () => run('xmlsec1', [...xmlsecArgs, file])));
  const batch = 200;
  const files = Array.from({ length: batch }, () => file);
  const t = performance.now();
  const r = spawnSync('xmlsec1', [...xmlsecArgs, ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  rows.push({
    label: `xmlsec1 --verify, ${batch} packages in one process`,
    perSecond: Math.round((batch / ((performance.now() - t) / 1000)) * 10) / 10,
    runs: batch,
  });

  const { SignedXml } = await import('xml-crypto');
  const { DOMParser } = await import('@xmldom/xmldom');
  const text = signed.toString('utf8');
  const certPem = pki.agencyRsa.certificate.toString();
  rows.push(
    await rate('xml-crypto checkSignature (signature only, no chain)', () => {
      const doc = new DOMParser().parseFromString(text, 'text/xml');
      const node = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0]!;
      const sig = new SignedXml({ publicCert: certPem });
      sig.loadSignature(node as unknown as Node);
      if (!sig.checkSignature(text)) throw new Error('xml-crypto rejected the package');
    }),
  );

  const self = fileURLToPath(import.meta.url);
  const peak = (mode: string) => {
    const t0 = performance.now();
    const out = spawnSync(process.execPath, [self, '--child', mode, dir], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
    return { ...(JSON.parse(out.stdout) as { maxRssMiB: number }), ms: Math.round(performance.now() - t0) };
  };
  const signing = peak('sign');
  const verifying = peak('verify');

  const width = Math.max(...rows.map((x) => x.label.length));
  console.log(
    `signed package: ${signed.length} bytes (one 5 KiB attachment), ${seconds} s per measurement, one core\n`,
  );
  console.log(`${'verifier'.padEnd(width)}  packages/s`);
  for (const x of rows) console.log(`${x.label.padEnd(width)}  ${String(x.perSecond).padStart(10)}`);
  console.log(`\n100 MiB attachment (≈134 MiB package), fresh process each:`);
  console.log(
    `  signing (two passes, written to disk): peak RSS ${signing.maxRssMiB} MiB, ${signing.ms} ms (with process start)`,
  );
  console.log(
    `  verifying (one pass from disk):        peak RSS ${verifying.maxRssMiB} MiB, ${verifying.ms} ms (with process start)`,
  );
  console.log(
    `\n${JSON.stringify({ packageBytes: signed.length, seconds, throughput: rows, large: { signing, verifying }, node: process.version })}`,
  );
}

await main();
