// Test support without a hub dependency (exported as `@lienthong/gateway/testing`): a gateway configuration
// tuned for tests (short polls and back-off, silent logs, a free port), and dropping files the right way.

import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TestTenant {
  agency: string;
  apiKey: string;
  /** PEM files: the agency's private key, and its certificate (intermediates after it) */
  key: string;
  cert: string;
}

/**
 * A configuration object (as gateway.json holds it) under `root`: data in `root/data`, each tenant's folder in
 * `root/folders/<agency>`; the trust anchors are PEM file paths.
 */
export function testGatewayConfig(opts: {
  hubUrl: string;
  root: string;
  tenants: TestTenant[];
  trustAnchors: string[];
  incoming?: 'deliver' | 'quarantine';
  localToken?: string;
}): Record<string, unknown> {
  return {
    hub: { url: opts.hubUrl, timeoutMs: 10_000 },
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: join(opts.root, 'data'),
    poll: { waitSeconds: 2, folderIntervalMs: 50 },
    retry: { baseDelayMs: 50, maxDelayMs: 400 },
    log: { level: 'silent' },
    ...(opts.localToken ? { localToken: opts.localToken } : {}),
    tenants: opts.tenants.map((t) => ({
      agency: t.agency,
      apiKey: t.apiKey,
      signingKey: t.key,
      certificate: t.cert,
      trustAnchors: opts.trustAnchors,
      folder: join(opts.root, 'folders', t.agency),
      ...(opts.incoming ? { incoming: opts.incoming } : {}),
    })),
  };
}

/** The folder of one tenant of such a configuration. */
export function folderOf(config: Record<string, unknown>, code: string): string {
  const tenants = config['tenants'] as Array<{ agency: string; folder: string }>;
  return tenants.find((t) => t.agency === code)!.folder;
}

/** Drops a package into an outbox the way a local system should: written under a temporary name, then renamed. */
export async function dropIntoOutbox(folder: string, name: string, bytes: Uint8Array): Promise<void> {
  const temp = join(folder, 'outbox', `${name}.tmp`);
  await writeFile(temp, bytes);
  await rename(temp, join(folder, 'outbox', name));
}

/** Polls until `fn` returns a value other than undefined/false (throws after `ms`). */
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
