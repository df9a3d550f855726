// What every part of one tenant's machinery shares: its configuration, spool, hub client, keys and health.

import type { KeyObject, X509Certificate } from 'node:crypto';
import type { LienthongClient } from '@lienthong/client';
import type { Logger } from 'pino';
import type { GatewayConfig, TenantConfig } from '../config/gateway-config.js';
import type { Spool } from '../spool/spool.js';
import type { GatewayMetrics } from '../support/metrics.js';
import type { Waker } from '../support/timing.js';

/** Test hooks: points where a test stops the gateway the hard way. Not part of the configuration file. */
export interface GatewayHooks {
  /** an incoming package is stored and handed to the folder; the hub has not been told yet */
  beforeAck?(agency: string, docId: string): void | Promise<void>;
  /** the hub accepted an outgoing package; the spool has not recorded it yet */
  afterSubmit?(agency: string, localId: string, docId: string): void | Promise<void>;
}

export interface TenantHealth {
  /** the last time the hub answered this tenant (any answer that was not 5xx) */
  lastHubContact?: string;
  lastError?: { at: string; message: string };
}

export interface TenantContext {
  config: TenantConfig;
  gateway: GatewayConfig;
  spool: Spool;
  client: LienthongClient;
  logger: Logger;
  signer: { key: KeyObject; certificates: X509Certificate[] };
  anchors: X509Certificate[];
  health: TenantHealth;
  metrics: GatewayMetrics;
  hooks: GatewayHooks;
  signal: AbortSignal;
  senderWaker: Waker;
}

export function hubContact(t: TenantContext): void {
  t.health.lastHubContact = new Date().toISOString();
}

export function tenantError(t: TenantContext, message: string): void {
  t.health.lastError = { at: new Date().toISOString(), message };
}
