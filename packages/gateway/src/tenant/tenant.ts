// One tenant: its keys, spool, hub client and loops (sender, two receivers, outbox watcher). A tenant whose keys
// cannot be loaded is kept in the `error` state with the reason; the other tenants run regardless.

import { createPrivateKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LienthongClient } from '@lienthong/client';
import { agencyCodeOf, toCertificates } from '@lienthong/trust';
import type { Logger } from 'pino';
import type { GatewayConfig, TenantConfig } from '../config/gateway-config.js';
import { ensureFolders } from '../folder/folder-layout.js';
import { runOutboxWatcher } from '../folder/outbox-watcher.js';
import { runReceiver } from '../incoming/receiver-loop.js';
import { runSender } from '../outgoing/sender-loop.js';
import { Spool } from '../spool/spool.js';
import type { GatewayMetrics } from '../support/metrics.js';
import { Waker } from '../support/timing.js';
import type { GatewayHooks, TenantContext, TenantHealth } from './tenant-context.js';

export interface TenantStatus {
  agency: string;
  state: 'running' | 'error';
  error?: string;
  outgoing?: { queued: number; oldestQueuedAt?: string; sent: number; failed: number };
  incoming?: { total: number; unhandled: number; unacked: number };
  lastHubContact?: string;
  lastError?: { at: string; message: string };
}

export class Tenant {
  readonly agency: string;
  /** set when the tenant runs */
  ctx: TenantContext | undefined;
  /** why the tenant does not run */
  error: string | undefined;
  private loops: Array<Promise<void>> = [];

  private constructor(agency: string) {
    this.agency = agency;
  }

  static async start(
    config: TenantConfig,
    gateway: GatewayConfig,
    deps: { logger: Logger; metrics: GatewayMetrics; hooks: GatewayHooks; signal: AbortSignal },
  ): Promise<Tenant> {
    const tenant = new Tenant(config.agency);
    const logger = deps.logger.child({ agency: config.agency });
    let spool: Spool | undefined;
    try {
      const signer = loadSigner(config);
      const anchors = loadAnchors(config);
      spool = new Spool(join(gateway.dataDir, 'tenants', config.agency));
      if (config.folder) await ensureFolders(config.folder);
      const health: TenantHealth = {};
      tenant.ctx = {
        config,
        gateway,
        spool,
        client: new LienthongClient({
          url: gateway.hub.url,
          apiKey: config.apiKey,
          timeoutMs: gateway.hub.timeoutMs,
          ...(gateway.hub.ca ? { tls: { ca: gateway.hub.ca } } : {}),
          retry: { attempts: 1 },
          userAgent: 'lienthong-gateway/0.1',
        }),
        logger,
        signer,
        anchors,
        health,
        metrics: deps.metrics,
        hooks: deps.hooks,
        signal: deps.signal,
        senderWaker: new Waker(),
      };
    } catch (e) {
      spool?.close();
      tenant.error = (e as Error).message;
      logger.error(`tenant not started: ${tenant.error}`);
      return tenant;
    }
    const ctx = tenant.ctx;
    const guard = (name: string, loop: Promise<void>) =>
      loop.catch((e: unknown) => {
        if (!deps.signal.aborted) logger.error({ err: e }, `${name} stopped`);
      });
    tenant.loops = [
      guard('sender', runSender(ctx)),
      guard('document receiver', runReceiver(ctx, 'edoc')),
      guard('status receiver', runReceiver(ctx, 'status')),
      guard('outbox watcher', runOutboxWatcher(ctx)),
    ];
    logger.info({ folder: config.folder }, 'tenant started');
    return tenant;
  }

  status(): TenantStatus {
    if (!this.ctx) return { agency: this.agency, state: 'error', ...(this.error ? { error: this.error } : {}) };
    const h = this.ctx.health;
    return {
      agency: this.agency,
      state: 'running',
      outgoing: this.ctx.spool.queueState(),
      incoming: this.ctx.spool.incomingCounts(),
      ...(h.lastHubContact ? { lastHubContact: h.lastHubContact } : {}),
      ...(h.lastError ? { lastError: h.lastError } : {}),
    };
  }

  /** After the shared signal aborted: waits for the loops to stop, closes the spool. */
  async close(): Promise<void> {
    await Promise.all(this.loops);
    this.ctx?.spool.close();
  }
}

/** Each tenant whose keys or trust anchors cannot be loaded, with why (nothing is started). */
export function checkTenants(config: GatewayConfig): Map<string, string> {
  const problems = new Map<string, string>();
  for (const t of config.tenants) {
    try {
      loadSigner(t);
      loadAnchors(t);
    } catch (e) {
      problems.set(t.agency, (e as Error).message);
    }
  }
  return problems;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function loadSigner(config: TenantConfig): { key: KeyObject; certificates: X509Certificate[] } {
  let key: KeyObject;
  try {
    key = createPrivateKey(readPem(config.signingKey, 'signing key'));
  } catch (e) {
    throw new Error(`signingKey ${config.signingKey}: ${(e as Error).message}`);
  }
  let certificates: X509Certificate[];
  try {
    certificates = toCertificates(readPem(config.certificate, 'certificate').toString('utf8'));
  } catch (e) {
    throw new Error(`certificate ${config.certificate}: ${(e as Error).message}`);
  }
  const cert = certificates[0];
  if (!cert) throw new Error(`certificate ${config.certificate}: no PEM certificate in the file`);
  if (!cert.checkPrivateKey(key))
    throw new Error(`signingKey ${config.signingKey} does not belong to the certificate ${config.certificate}`);
  const code = agencyCodeOf(cert);
  if (code !== undefined && code !== config.agency)
    throw new Error(`the certificate ${config.certificate} is ${code}'s, not ${config.agency}'s`);
  return { key, certificates };
}

function loadAnchors(config: TenantConfig): X509Certificate[] {
  const anchors: X509Certificate[] = [];
  for (const path of config.trustAnchors) {
    let certs: X509Certificate[];
    try {
      certs = toCertificates(readPem(path, 'trust anchor').toString('utf8'));
    } catch (e) {
      throw new Error(`trustAnchors ${path}: ${(e as Error).message}`);
    }
    if (certs.length === 0) throw new Error(`trustAnchors ${path}: no PEM certificate in the file`);
    anchors.push(...certs);
  }
  return anchors;
}
