export type { HubConfig } from './config/hub-config.js';
export * from './core/contract.js';
export { createHub } from './core/create-hub.js';
export type { DemoCredential, DemoCredentials, Hub, HubStats } from './core/hub.js';
export type { HubObserver } from './core/hub-observer.js';
