import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { initCa, issueAgencyCert, revoke, writeCrl } from '@lienthong/trust';
import pino from 'pino';
import { loadConfig } from '../config/load-config.js';
import { openHubPki } from './hub-pki.js';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'lt-pki-'));
  dirs.push(d);
  return d;
}

test('a dev CA is created once; the hub certificate chains to it and stays the same on reopen', async () => {
  const dataDir = await tempDir();
  const config = loadConfig({ env: {}, overrides: { dataDir } });
  const pki = await openHubPki(config, logger);
  pki.close();
  assert.equal(pki.anchors.length, 1);
  assert.equal(pki.intermediates.length, 1);
  const leaf = pki.hubChain[0]!;
  assert.ok(leaf.checkIssued(pki.intermediates[0]!), 'hub certificate issued by the intermediate');
  assert.ok(pki.intermediates[0]!.checkIssued(pki.anchors[0]!), 'intermediate issued by the root');
  assert.ok(leaf.checkPrivateKey(pki.hubKey));
  assert.ok(leaf.checkIP('127.0.0.1'));
  assert.equal((await stat(join(dataDir, 'pki', 'hub.key'))).mode & 0o777, 0o600);
  assert.equal(pki.crls.current().length, 2, 'intermediate and root CRLs');

  const again = await openHubPki(config, logger);
  again.close();
  assert.equal(again.hubChain[0]!.fingerprint256, leaf.fingerprint256);
  assert.equal(again.anchors[0]!.fingerprint256, pki.anchors[0]!.fingerprint256);
});

test('configured anchors, hub certificate and CRLs (file and http); a failing CRL source keeps its last good CRLs', async () => {
  const dir = await tempDir();
  const caDir = join(dir, 'ca');
  await initCa(caDir, { keyType: 'ec-p256' });
  const agency = await issueAgencyCert(caDir, { agencyCode: '000.00.00.G22', name: 'VPCP', keyType: 'ec-p256' });
  await revoke(caDir, agency.record.serialNumber, 'keyCompromise');
  await writeCrl(caDir);
  let crlBody: Buffer | undefined = await readFile(join(caDir, 'crl.pem'));
  const server = createServer((_req, res) => {
    if (!crlBody) {
      res.statusCode = 503;
      res.end();
      return;
    }
    res.end(crlBody);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const hubCa = join(dir, 'hub-ca');
    await initCa(hubCa, { keyType: 'ec-p256' });
    const { issueHubCert } = await import('@lienthong/trust');
    const hub = await issueHubCert(hubCa, { name: 'hub.test', keyType: 'ec-p256' });
    await writeFile(join(dir, 'hub.pem'), hub.certificate.toString());
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir: join(dir, 'data'),
        trust: {
          devCa: false,
          anchors: [join(caDir, 'root.pem')],
          intermediates: [join(caDir, 'intermediate.pem')],
          crls: [`http://127.0.0.1:${port}/crl.pem`, join(caDir, 'root-crl.pem')],
          hubCertificate: join(dir, 'hub.pem'),
          hubKey: join(hubCa, hub.record.keyFile),
        },
      },
    });
    const pki = await openHubPki(config, logger);
    try {
      assert.equal(pki.devCaDir, undefined);
      assert.equal(
        pki.anchors[0]!.fingerprint256,
        new X509Certificate(await readFile(join(caDir, 'root.pem'))).fingerprint256,
      );
      assert.equal(pki.hubChain[0]!.fingerprint256, hub.certificate.fingerprint256);
      assert.equal(pki.crls.current().length, 2);
      assert.ok(pki.crls.status().every((s) => s.ok && s.nextUpdate instanceof Date));

      crlBody = undefined;
      await pki.crls.refresh();
      const [httpSource] = pki.crls.status();
      assert.equal(httpSource!.ok, false);
      assert.match(httpSource!.error ?? '', /HTTP 503/);
      assert.equal(pki.crls.current().length, 2, 'the last good CRL is kept');
    } finally {
      pki.close();
    }
  } finally {
    server.close();
  }
});
