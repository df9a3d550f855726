export * from "./core/contract.js";
export type { HubConfig } from "./config/hub-config.js";
