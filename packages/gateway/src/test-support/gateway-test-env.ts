// Test support: a real hub on loopback (that can be stopped and started again on the same port and data),
// a development CA issuing each agency its signing certificate, gateway configurations, edXML packages.

import { appendFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LienthongClient } from '@lienthong/client';
import { buildDocument, collect } from '@lienthong/edxml';
import { loadConfig, type StartedHub, startHub } from '@lienthong/hub';
import { writeAgencyCertFiles } from '@lienthong/trust/testing/agency-cert-files';
import { testGatewayConfig } from './gateway-testing.js';

export { dropIntoOutbox, folderOf, until } from './gateway-testing.js';

export interface Agency {
  code: string;
  apiKey: string;
  key: string;
  cert: string;
}

export interface TestEnv {
  dir: string;
  hubUrl: string;
  /** the dev CA's root certificate (the gateways' trust anchor) */
  anchor: string;
  agencies: Record<string, Agency>;
  hubUp(): boolean;
  stopHub(): Promise<void>;
  startHub(): Promise<void>;
  client(code: string): LienthongClient;
  dispose(): Promise<void>;
}

export async function testEnv(codes: string[], opts: { tls?: boolean } = {}): Promise<TestEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'lt-gateway-'));
  const hubDir = join(dir, 'hub');
  let port = 0;
  let started: StartedHub | undefined;
  const start = async () => {
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir: hubDir,
        listen: { host: '127.0.0.1', port },
        hubId: 'lienthong.test',
        log: { level: 'silent' },
        shutdownGraceSeconds: 1,
        ...(opts.tls ? { tls: { dev: true } } : {}),
      },
    });
    started = await startHub(config, { installSignalHandlers: false });
    port = Number(new URL(started.url).port);
  };
  await start();
  // the hub's development CA, which the hub trusts at intake
  const caDir = join(hubDir, 'pki', 'ca');
  const keys = join(dir, 'keys');
  await mkdir(keys);
  const intermediate = await readFile(join(caDir, 'intermediate.pem'), 'utf8');
  const agencies: Record<string, Agency> = {};
  for (const code of codes) {
    const { credentials } = await started!.hub.addAgency({ code, name: `Cơ quan ${code}` });
    const files = await writeAgencyCertFiles(caDir, code, keys);
    // the certificate file carries the intermediate after the agency's certificate, as the config expects
    await appendFile(files.cert, intermediate);
    agencies[code] = { code, apiKey: credentials.apiKey, key: files.key, cert: files.cert };
  }
  const hubUrl = started!.url;
  return {
    dir,
    hubUrl,
    anchor: join(caDir, 'root.pem'),
    agencies,
    hubUp: () => started !== undefined,
    async stopHub() {
      await started?.close();
      started = undefined;
    },
    async startHub() {
      if (!started) await start();
    },
    client: (code) =>
      new LienthongClient({
        url: hubUrl,
        apiKey: agencies[code]!.apiKey,
        retry: { attempts: 1 },
        ...(opts.tls ? { tls: { ca: join(caDir, 'root.pem') } } : {}),
      }),
    async dispose() {
      await started?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A gateway configuration object (as gateway.json holds it) for some of the environment's agencies. */
export function gatewayConfig(
  env: TestEnv,
  name: string,
  codes: string[],
  extra: { incoming?: 'deliver' | 'quarantine'; localToken?: string; hubUrl?: string } = {},
): Record<string, unknown> {
  return testGatewayConfig({
    hubUrl: extra.hubUrl ?? env.hubUrl,
    root: join(env.dir, name),
    tenants: codes
      .map((code) => env.agencies[code]!)
      .map((a) => ({ agency: a.code, apiKey: a.apiKey, key: a.key, cert: a.cert })),
    trustAnchors: [env.anchor],
    ...(extra.incoming ? { incoming: extra.incoming } : {}),
    ...(extra.localToken ? { localToken: extra.localToken } : {}),
  });
}

let counter = 0;

/** A valid, unsigned document package from `from` to `to`, with the sender's TraceHeader. */
export async function documentPackage(from: string, to: string[], subject?: string): Promise<Buffer> {
  counter++;
  const number = String(100 + counter);
  const notation = `GW-${process.pid}-${Date.now() % 1_000_000}`;
  const documentId = `${from},2024/05/01,${number}/${notation}`;
  return collect(
    buildDocument({
      header: {
        from: { organId: from, organName: `Cơ quan ${from}` },
        to: to.map((organId) => ({ organId, organName: `Cơ quan ${organId}` })),
        documentId,
        code: { codeNumber: number, codeNotation: notation },
        promulgationInfo: { place: 'Hà Nội', promulgationDate: '2024/05/01' },
        documentType: { type: 1, typeName: 'Công văn' },
        subject: subject ?? `Văn bản qua cổng ${counter}`,
        signerInfo: { fullName: 'Nguyễn Văn A' },
        otherInfo: { priority: 0, appendixes: [] },
        responseFor: [],
        toPlaces: [],
      },
      traces: [{ organId: from, timestamp: '2024/05/01 08:00:00' }],
      business: { docType: 0, documentId },
      attachments: [
        { attachmentName: 'vanban.pdf', contentType: 'application/pdf', content: Buffer.from(`%PDF-1.4 ${counter}`) },
      ],
    }),
  );
}

export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

export async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
