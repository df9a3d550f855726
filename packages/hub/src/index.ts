export type { AuditBreak, AuditBreakKind, AuditVerdict } from './audit/verify-audit-log.js';
export { backupDataDir } from './backup/backup-data-dir.js';
export type { BackupManifest } from './backup/backup-format.js';
export { checkBackup, restoreDataDir } from './backup/restore-data-dir.js';
export { ConfigError } from './config/config-error.js';
export type { HubConfig } from './config/hub-config.js';
export { CONFIG_KEYS, type ConfigOverrides, type LoadConfigOptions, loadConfig } from './config/load-config.js';
export * from './core/contract.js';
export { createHub } from './core/create-hub.js';
export type { DemoCredential, DemoCredentials, Hub, HubStats } from './core/hub.js';
export type { HubObserver } from './core/hub-observer.js';
export type { LinkView } from './federation/federation.js';
export { type LinkIdentity, linkKeyFile, loadLinkIdentity } from './federation/link-key.js';
export {
  MigrateStoreInterrupted,
  type MigrateStoreOptions,
  MigrateStoreRefused,
  type MigrateStoreReport,
  migrateEmbeddedStore,
} from './migrate-store/migrate-store.js';
export { createLogger } from './observability/create-logger.js';
export { createHubMetrics, type HubMetrics } from './observability/hub-metrics.js';
export { startBanner } from './observability/start-banner.js';
export {
  createServer,
  type ServedHub,
  type ServerDeps,
  type StartedHub,
  type StartHubOptions,
  startHub,
} from './server.js';
export { type MigrationReport, migrateStore } from './store/open-store.js';
export type { AuditCheckpointRecord, AuditRecord } from './store/store.js';
