// Test support for service-level tests: a real hub on a temp directory, fixtures, package bodies.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before } from 'node:test';
import { buildDocument, buildStatus, type DocumentInput, type StatusInput } from '@lienthong/edxml';
import pino from 'pino';
import type { HubConfig } from '../config/hub-config.js';
import { loadConfig } from '../config/load-config.js';
import { testHubDatabase } from '../store/postgres/postgres-test-database.js';
import type { Principal } from './contract.js';
import { createHub } from './create-hub.js';
import type { Hub } from './hub.js';
import type { HubContext } from './hub-context.js';
import type { HubObserver } from './hub-observer.js';

export { readFixture } from '@lienthong/edxml/testing';

export function testConfig(
  dataDir: string,
  overrides: Partial<HubConfig['limits']> = {},
  intakeWorkers?: number,
): HubConfig {
  return loadConfig({
    env: {},
    overrides: {
      dataDir,
      listen: { host: '127.0.0.1', port: 0 },
      hubId: 'lienthong.test',
      demo: true,
      limits: { maxBodyBytes: 200 * 1024 * 1024, maxPageSize: 100, ...overrides },
      longPollMaxSeconds: 30,
      log: { level: 'silent', pretty: false },
      shutdownGraceSeconds: 1,
      ...(intakeWorkers === undefined ? {} : { intake: { workers: intakeWorkers } }),
    },
  });
}

export interface TestHub {
  hub: Hub;
  dataDir: string;
  reopen(): Promise<Hub>;
  dispose(): Promise<void>;
}

export async function startTestHub(
  opts: {
    limits?: Partial<HubConfig['limits']>;
    observer?: HubObserver;
    demo?: boolean;
    /** `intake.workers` (default: one per core) */
    intakeWorkers?: number;
  } = {},
): Promise<TestHub> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lt-hub-'));
  // LIENTHONG_TEST_DATABASE_URL: the store on a fresh PostgreSQL database instead of SQLite
  const database = await testHubDatabase();
  const config = {
    ...testConfig(dataDir, opts.limits, opts.intakeWorkers),
    ...(database ? { database: database.url } : {}),
  };
  const logger = pino({ level: 'silent' });
  let hub = await createHub(config, { logger, observer: opts.observer });
  if (opts.demo ?? true) await hub.initDemo();
  return {
    get hub() {
      return hub;
    },
    dataDir,
    async reopen() {
      await hub.close();
      hub = await createHub(config, { logger, observer: opts.observer });
      return hub;
    },
    async dispose() {
      await hub.close();
      await rm(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

/** A hub for the enclosing describe() (or the whole file): started before its tests, disposed after them. */
/** The hub's internals (store, config, workers), for tests that look behind its API. */
export function ctxOf(hub: Hub): HubContext {
  return (hub as unknown as { ctx: HubContext }).ctx;
}

export function useTestHub(opts: Parameters<typeof startTestHub>[0] = {}): TestHub {
  let started: TestHub | undefined;
  before(async () => {
    started = await startTestHub(opts);
  });
  after(() => current().dispose());
  function current(): TestHub {
    if (!started) throw new Error('the test hub is used before its before() hook has started it');
    return started;
  }
  return {
    get hub() {
      return current().hub;
    },
    get dataDir() {
      return current().dataDir;
    },
    reopen: () => current().reopen(),
    dispose: () => current().dispose(),
  };
}

/**
 * The skip reason of a test that reads or edits the SQLite file behind the hub, when the suite runs on
 * PostgreSQL (LIENTHONG_TEST_DATABASE_URL); false (run it) on the embedded store.
 */
export const sqliteFileOnly: string | false = process.env['LIENTHONG_TEST_DATABASE_URL']
  ? 'reads or edits the SQLite file, and this run is on PostgreSQL'
  : false;

export const as = (systemId: string): Principal => ({ systemId, via: 'api-key' });

export function body(bytes: Buffer | string, chunkSize = 64 * 1024): Readable {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += chunkSize) yield buf.subarray(i, i + chunkSize);
    })(),
    { objectMode: false },
  );
}

export async function collectStream(r: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

let counter = 0;

/** A valid document package from `from` to `to` (a fresh DocumentId unless given). */
export async function documentPackage(
  from: string,
  to: string[],
  opts: {
    documentId?: string;
    business?: DocumentInput['business'];
    attachments?: DocumentInput['attachments'];
    subject?: string;
  } = {},
): Promise<Buffer> {
  counter++;
  const number = String(1000 + counter);
  const documentId = opts.documentId ?? `${from},2024/05/01,${number}/TEST-${process.pid}-${Date.now() % 100000}`;
  const notation = documentId.split('/').slice(-1)[0] ?? 'TEST';
  const input: DocumentInput = {
    header: {
      from: { organId: from, organName: `Org ${from}` },
      to: to.map((organId) => ({ organId, organName: `Org ${organId}` })),
      documentId,
      code: { codeNumber: documentId.split(',')[2]?.split('/')[0] ?? number, codeNotation: notation.slice(0, 30) },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: '2024/05/01' },
      documentType: { type: 1, typeName: 'Công văn' },
      subject: opts.subject ?? `Văn bản thử nghiệm ${counter}`,
      signerInfo: { fullName: 'Nguyễn Văn A' },
      otherInfo: { priority: 0, appendixes: [] },
      responseFor: [],
      toPlaces: [],
    },
    traces: [{ organId: from, timestamp: '2024/05/01 08:00:00' }],
    business: opts.business ?? { docType: 0, documentId },
    attachments: opts.attachments ?? [
      {
        attachmentName: 'vanban.pdf',
        contentType: 'application/pdf',
        content: Buffer.from(`%PDF-1.4 test ${counter}`),
      },
    ],
  };
  const parts: Buffer[] = [];
  for await (const c of buildDocument(input)) parts.push(c);
  return Buffer.concat(parts);
}

/** A status package from `from` about `documentId` issued by `organId`. */
export function statusPackage(
  from: string,
  organId: string,
  documentId: string,
  statusCode: StatusInput['statusCode'],
): Buffer {
  counter++;
  return Buffer.from(
    buildStatus({
      from: { organId: from, organName: `Org ${from}` },
      responseFor: { organId, documentId, code: documentId.split(',')[2] },
      staffInfo: { staff: 'Trần Thị B', department: 'Văn thư' },
      statusCode,
      description: `status ${statusCode} #${counter}`,
      timestamp: '2024/05/02 09:00:00',
    }),
  );
}
