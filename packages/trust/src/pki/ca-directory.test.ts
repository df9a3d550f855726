import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { collect } from '@lienthong/edxml';
import { builtPackage, sourceOf } from '../testing/sample-packages.js';
import { signPackage } from '../xmldsig/sign-package.js';
import { verifyPackage } from '../xmldsig/verify-package.js';
import { initCa, issueAgencyCert, issueHubCert, loadState, revoke, writeCrl } from './ca-directory.js';

const run = promisify(execFile);
const openssl = async (...args: string[]) => (await run('openssl', args)).stdout;

test('a CA directory: init, issue agency and hub certificates, revoke, CRL — read by the openssl CLI', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'lienthong-ca-')), 'ca');
  await initCa(dir, { keyType: 'ec-p256' });
  await assert.rejects(initCa(dir), /already holds a CA/);
  const rsa = await issueAgencyCert(dir, {
    agencyCode: '000.00.00.G22',
    name: 'Văn phòng Chính phủ',
    keyType: 'rsa-2048',
  });
  const ec = await issueAgencyCert(dir, { agencyCode: '000.00.00.H41', name: 'UBND Tỉnh Nghệ An', keyType: 'ec-p256' });
  const hub = await issueHubCert(dir, { dnsNames: ['localhost', 'hub.example.vn'], ipAddresses: ['127.0.0.1'] });

  for (const name of ['root.key', 'intermediate.key', rsa.record.keyFile, hub.record.keyFile, 'state.json']) {
    assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600, name);
  }
  assert.equal(statSync(dir).mode & 0o777, 0o700);

  const rootText = await openssl('x509', '-in', join(dir, 'root.pem'), '-noout', '-text');
  assert.match(rootText, /CA:TRUE, pathlen:1/);
  assert.match(rootText, /DEVELOPMENT ONLY/);
  const agencyText = await openssl(
    'x509',
    '-in',
    join(dir, rsa.record.certificateFile),
    '-noout',
    '-text',
    '-nameopt',
    'RFC2253,-esc_msb',
  );
  assert.match(agencyText, /Subject: CN=Văn phòng Chính phủ,UID=000\.00\.00\.G22,O=Văn phòng Chính phủ,C=VN/);
  assert.match(agencyText, /Digital Signature, Non Repudiation/);
  assert.match(agencyText, /Public-Key: \(2048 bit\)/);
  const hubText = await openssl('x509', '-in', join(dir, hub.record.certificateFile), '-noout', '-text');
  assert.match(hubText, /DNS:localhost, DNS:hub\.example\.vn, IP Address:127\.0\.0\.1/);
  assert.match(hubText, /TLS Web Server Authentication/);
  const chain = ['-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'intermediate.pem')];
  assert.match(await openssl('verify', ...chain, join(dir, ec.record.certificateFile)), /: OK/);

  await revoke(dir, rsa.record.serialNumber, 'keyCompromise');
  await assert.rejects(revoke(dir, '01', 'keyCompromise'), /no certificate with serial/);
  const { crlNumber, file } = await writeCrl(dir);
  assert.equal(crlNumber, 2);
  const crlText = await openssl('crl', '-in', file, '-noout', '-text');
  assert.match(crlText, new RegExp(`Serial Number: ${rsa.record.serialNumber}`));
  assert.match(crlText, /Key Compromise/);
  assert.match(crlText, /X509v3 CRL Number: \n\s+2/);
  const crlChain = [...chain, '-crl_check_all', '-CRLfile', file, '-CRLfile', join(dir, 'root-crl.pem')];
  await assert.rejects(openssl('verify', ...crlChain, join(dir, rsa.record.certificateFile)), /certificate revoked/);
  assert.match(await openssl('verify', ...crlChain, join(dir, ec.record.certificateFile)), /: OK/);
  assert.equal((await loadState(dir)).issued.filter((r) => r.revoked).length, 1);

  // the files drive signing and verification
  const signedBy = async (issued: typeof rsa) =>
    collect(
      (
        await signPackage(sourceOf(await builtPackage(100)), {
          key: readFileSync(join(dir, issued.record.keyFile)),
          certificate: readFileSync(join(dir, issued.record.certificateFile), 'utf8'),
          chain: [readFileSync(join(dir, 'intermediate.pem'), 'utf8')],
        })
      ).bytes(),
    );
  const options = {
    trustAnchors: [readFileSync(join(dir, 'root.pem'), 'utf8')],
    crls: [readFileSync(file, 'utf8'), readFileSync(join(dir, 'root-crl.pem'), 'utf8')],
  };
  assert.equal((await verifyPackage([await signedBy(ec)], options)).status, 'valid');
  const revoked = await verifyPackage([await signedBy(rsa)], options);
  assert.equal(revoked.status, 'invalid');
  assert.deepEqual(
    revoked.reasons.filter((r) => r.severity === 'error').map((r) => r.code),
    ['certificate-revoked'],
  );
});
