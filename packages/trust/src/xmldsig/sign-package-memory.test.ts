// Signing and verifying a package with a 100 MiB attachment (≈134 MiB of XML), generated on the
// fly, with memory that does not grow with the package.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type TestPki, testPki } from '../testing/dev-pki.js';
import { builtPackageSource } from '../testing/sample-packages.js';
import { signPackage } from './sign-package.js';
import { verifyPackage } from './verify-package.js';

const SIZE = 100 * 1024 * 1024;
const LIMIT = 64 * 1024 * 1024;

let pki: TestPki;
before(async () => {
  pki = await testPki();
});

function rssSampler() {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return peak - baseline;
    },
  };
}

test('sign and verify a package with a 100 MiB attachment in bounded memory', async () => {
  const source = builtPackageSource(SIZE);
  const sampler = rssSampler();
  let t = performance.now();
  const signed = await signPackage(source, {
    key: pki.agencyRsa.privateKey,
    certificate: pki.agencyRsa.certificate,
    chain: [pki.intermediate.certificate],
  });
  const pass1 = performance.now() - t;
  t = performance.now();
  let bytes = 0;
  const verdict = await verifyPackage(
    (async function* () {
      for await (const chunk of signed.bytes()) {
        bytes += chunk.length;
        yield chunk;
      }
    })(),
    { trustAnchors: [pki.root.certificate] },
  );
  const pass2 = performance.now() - t;
  const growth = sampler.stop();
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(
    `# ${mib(bytes)} MiB signed package: pass 1 (build + c14n + digest) ${pass1.toFixed(0)} ms, pass 2 + verify ${pass2.toFixed(0)} ms, RSS growth ${mib(growth)} MiB`,
  );
  assert.equal(verdict.status, 'valid', JSON.stringify(verdict.reasons));
  assert.ok(bytes > SIZE * 1.3);
  assert.ok(growth < LIMIT, `RSS grew by ${mib(growth)} MiB`);
});
