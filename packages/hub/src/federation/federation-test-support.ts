// Test support for federation: a TCP proxy standing for a link (cut and restored at will), link keys
// made before the hubs start (each hub pins the others'), and polling helpers.

import { mkdtemp } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HubConfig } from '../config/hub-config.js';
import { loadLinkIdentity } from './link-key.js';

/** A TCP proxy on 127.0.0.1: hubs are configured with its URL; its target is set once the hub listens. */
export class LinkProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  targetPort = 0;
  private cutOff = false;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((client) => {
      if (this.cutOff || this.targetPort === 0) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** the link goes down: open connections are dropped, new ones refused */
  cut(): void {
    this.cutOff = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.cutOff = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** A data dir with its link key made; returns the dir and the path of the public key to pin. */
export async function prepareHubDir(prefix: string): Promise<{ dataDir: string; publicKeyFile: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  await loadLinkIdentity({ dataDir, federation: {} } as HubConfig);
  return { dataDir, publicKeyFile: join(dataDir, 'keys', 'link.pub.pem') };
}

/** polls `fn` until it returns something truthy (or throws after `timeoutMs`, with the last value) */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${String(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
