// Test support for the CLI's end-to-end tests: the built `lienthong` executable run as a child process in a
// temporary directory, against a hub that `lienthong serve` runs (another child process) for the whole test file.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSimpleDocument, collect, type SimpleDocumentInput } from '@lienthong/client';

export const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
export const SENDER = '000.00.00.H41';
export const RECIPIENT = '000.00.00.G22';
/** the two agencies the tests register: code and name */
export const AGENCIES: ReadonlyArray<readonly [code: string, name: string]> = [
  [SENDER, 'UBND tỉnh Nghệ An'],
  [RECIPIENT, 'Văn phòng Chính phủ'],
];

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Credentials {
  systemId: string;
  vxpSecret: string;
  apiKey: string;
}

export class CliHarness {
  /** the test file's temporary directory, also the working directory of every command */
  dir = '';
  /** the hub's URL, once serve() has started it */
  url = '';
  /** each agency's credentials by code: those addAgencies() registered, or those a test puts here */
  readonly creds: Record<string, Credentials> = {};
  /** the environment every command runs in: the caller's without its LIENTHONG_* variables, logs silent */
  env: NodeJS.ProcessEnv = {};
  private server: ChildProcess | undefined;

  async open(prefix: string): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), prefix));
    // DATABASE_URL too: the hubs of these tests keep their store in their data directory
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('LIENTHONG_') && k !== 'DATABASE_URL'),
    );
    this.env = { ...clean, LIENTHONG_LOG_LEVEL: 'silent' };
  }

  /** Runs `lienthong ...args` to its end; exit code 1 when it died without a numeric one. */
  lienthong = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [MAIN, ...args],
        { env: { ...this.env, ...extraEnv }, cwd: this.dir },
        (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
        },
      );
    });

  /** the environment of an agency using its API key (/v1) */
  as = (code: string): NodeJS.ProcessEnv => ({ LIENTHONG_URL: this.url, LIENTHONG_API_KEY: this.creds[code]!.apiKey });

  /** the environment of an agency using its system id and secret (VXP) */
  vxp = (code: string): NodeJS.ProcessEnv => ({
    LIENTHONG_URL: this.url,
    LIENTHONG_SYSTEM_ID: code,
    LIENTHONG_SECRET: this.creds[code]!.vxpSecret,
  });

  /** `agency add` for each agency in the hub's data directory, keeping the credentials it prints. */
  async addAgencies(dataDir: string, agencies: ReadonlyArray<readonly [code: string, name: string]>): Promise<void> {
    for (const [code, name] of agencies) {
      const r = await this.lienthong(['agency', 'add', code, '--name', name, '--data-dir', dataDir, '--json']);
      assert.equal(r.code, 0, r.stderr);
      this.creds[code] = JSON.parse(r.stdout).credentials;
    }
  }

  /** Starts `lienthong serve ...flags --data-dir <dataDir> --port 0 --json`; resolves with the JSON it prints. */
  async serve<T extends { url: string }>(
    dataDir: string,
    opts: { flags?: string[]; env?: NodeJS.ProcessEnv } = {},
  ): Promise<T> {
    const server = spawn(
      process.execPath,
      [MAIN, 'serve', ...(opts.flags ?? []), '--data-dir', dataDir, '--port', '0', '--json'],
      { env: { ...this.env, ...opts.env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.server = server;
    const started = await new Promise<T>((resolve, reject) => {
      let text = '';
      server.stdout!.on('data', (c: Buffer) => {
        text += c.toString();
        try {
          resolve(JSON.parse(text));
        } catch {
          // not the whole JSON yet
        }
      });
      server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    this.url = started.url;
    return started;
  }

  /** Writes a package from SENDER to RECIPIENT into the temporary directory; resolves with its path. */
  async writePackage(name: string, doc: Omit<SimpleDocumentInput, 'from' | 'to'>): Promise<string> {
    const file = join(this.dir, name);
    await writeFile(file, await collect(buildSimpleDocument({ from: SENDER, to: [RECIPIENT], ...doc })));
    return file;
  }

  /** Stops the hub that serve() started (SIGTERM, waiting for it to exit). */
  async stopServer(): Promise<void> {
    const server = this.server;
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
  }

  /** Stops the hub and removes the temporary directory. */
  async close(): Promise<void> {
    await this.stopServer();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A harness for the test file: opened and set up before its tests (`setup` adds agencies, serves), closed after. */
export function cliHarness(prefix: string, setup: (cli: CliHarness) => Promise<void>): CliHarness {
  const cli = new CliHarness();
  before(async () => {
    await cli.open(prefix);
    await setup(cli);
  });
  after(() => cli.close());
  return cli;
}
