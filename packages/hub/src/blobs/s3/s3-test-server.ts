// Test support: a real S3-protocol server (s3rver, see s3-test-server-main.ts) in a child process on
// 127.0.0.1, with a fresh directory, and S3BlobStores pointed at it.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

const MAIN_JS = fileURLToPath(new URL('./s3-test-server-main.js', import.meta.url));
const MAIN_TS = fileURLToPath(new URL('./s3-test-server-main.ts', import.meta.url));

export const TEST_CREDENTIALS: Readonly<{ accessKeyId: string; secretAccessKey: string }> = Object.freeze({
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
});

/** settings of a store on the test server's account (path-style, 5 MiB parts, no prefix) */
export function testStoreOptions(bucket: string, endpoint: string): S3BlobStoreOptions {
  return {
    bucket,
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    ...TEST_CREDENTIALS,
    prefix: '',
    partSize: 5 * 1024 * 1024,
  };
}

export interface S3TestServer {
  endpoint: string;
  port: number;
  /** where s3rver keeps the buckets */
  dir: string;
  /** an SDK client for the tests' own checks */
  client: S3Client;
  createBucket(name: string): Promise<void>;
  /** an S3BlobStore on `bucket` (created if needed), 5 MiB parts unless told */
  blobStore(bucket: string, opts?: Partial<S3BlobStoreOptions>): Promise<S3BlobStore>;
  /** SIGKILL: the server dies mid-request */
  kill(): Promise<void>;
  /** starts it again on the same port and directory */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startS3TestServer(): Promise<S3TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'lt-s3rver-'));
  let child: ChildProcess;
  let port: number;
  ({ child, port } = await launch(dir, 0));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    // a copy: the SDK marks the object it is given (a `$source` property)
    credentials: { ...TEST_CREDENTIALS },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const buckets = new Set<string>();
  const server: S3TestServer = {
    endpoint,
    port,
    dir,
    client,
    async createBucket(name) {
      if (buckets.has(name)) return;
      await client.send(new CreateBucketCommand({ Bucket: name }));
      buckets.add(name);
    },
    async blobStore(bucket, opts = {}) {
      await server.createBucket(bucket);
      const store = new S3BlobStore({ ...testStoreOptions(bucket, endpoint), ...opts });
      await store.init();
      return store;
    },
    async kill() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      ({ child } = await launch(dir, port));
    },
    async stop() {
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}

function launch(dir: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const args = existsSync(MAIN_JS) ? [MAIN_JS] : ['--import', 'tsx', MAIN_TS];
  // s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider
  const child = spawn(process.execPath, ['--openssl-legacy-provider', ...args, dir, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let listening = false;
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^LISTENING (\d+)$/m.exec(out);
      if (m && !listening) {
        listening = true;
        port = Number(m[1]);
        resolve({ child, port });
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      // what the server says once up (an error it survived) goes to the test's own output
      if (listening) process.stderr.write(`[s3rver :${port}] ${d.toString()}`);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!listening) reject(new Error(`s3rver exited (${code ?? signal}) before listening: ${err}`));
      else if (signal !== 'SIGKILL' && signal !== 'SIGTERM' && code !== 0)
        process.stderr.write(`[s3rver :${port}] exited unexpectedly (${code ?? signal}): ${err.slice(-4000)}\n`);
    });
  });
}

/** every file under `dir`, relative, recursively (what s3rver holds on disk) */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  return out.sort();
}
