// Test support: a real hub on loopback (that can be stopped and started again on the same port and data),
// a development CA issuing each agency its signing certificate, gateway configurations, edXML packages.

import { appendFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LienthongClient } from '@lienthong/client';
import { buildDocument, collect } from '@lienthong/edxml';
import { loadConfig, type StartedHub, startHub } from '@lienthong/hub';
import { writeAgencyCertFiles } from '@lienthong/trust/testing/agency-cert-files';

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

export async function testEnv(codes: string[]): Promise<TestEnv> {
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
    client: (code) => new LienthongClient({ url: hubUrl, apiKey: agencies[code]!.apiKey, retry: { attempts: 1 } }),
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
  const root = join(env.dir, name);
  return {
    hub: { url: extra.hubUrl ?? env.hubUrl, timeoutMs: 10_000 },
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: join(root, 'data'),
    poll: { waitSeconds: 2, folderIntervalMs: 50 },
    retry: { baseDelayMs: 50, maxDelayMs: 400 },
    log: { level: 'silent' },
    ...(extra.localToken ? { localToken: extra.localToken } : {}),
    tenants: codes.map((code) => ({
      agency: code,
      apiKey: env.agencies[code]!.apiKey,
      signingKey: env.agencies[code]!.key,
      certificate: env.agencies[code]!.cert,
      trustAnchors: [env.anchor],
      folder: join(root, 'folders', code),
      ...(extra.incoming ? { incoming: extra.incoming } : {}),
    })),
  };
}

export function folderOf(config: Record<string, unknown>, code: string): string {
  const tenants = config['tenants'] as Array<{ agency: string; folder: string }>;
  return tenants.find((t) => t.agency === code)!.folder;
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

/** Drops a package into an outbox the way a local system should: written under a temporary name, then renamed. */
export async function dropIntoOutbox(folder: string, name: string, bytes: Buffer): Promise<void> {
  const temp = join(folder, 'outbox', `${name}.tmp`);
  await writeFile(temp, bytes);
  await rename(temp, join(folder, 'outbox', name));
}

/** Polls until `fn` returns a value other than undefined/false (fails the test after `ms`). */
export async function until<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

export async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
