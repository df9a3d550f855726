// @lienthong/gateway: the agency gateway — beside an agency's document system, it signs, spools and sends
// outgoing packages, verifies and hands over incoming ones, and keeps working while the hub is unreachable.

export {
  type GatewayConfig,
  GatewayConfigError,
  type IncomingPolicy,
  loadGatewayConfig,
  type ParseConfigOptions,
  parseGatewayConfig,
  type TenantConfig,
} from './config/gateway-config.js';
export { FOLDERS, type FolderName } from './folder/folder-layout.js';
export { type RunningGateway, type StartGatewayOptions, startGateway } from './gateway.js';
export type { IncomingVerdict } from './incoming/verify-incoming.js';
export type { IncomingRow, OutgoingRow } from './spool/spool.js';
export { checkTenants, type TenantStatus } from './tenant/tenant.js';
export type { GatewayHooks } from './tenant/tenant-context.js';
