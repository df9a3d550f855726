// The hub's configuration: defaults < config file (JSON) < environment (LIENTHONG_*) < command-line flags.
// Loading and documentation of every key live beside this file; this is the shape the rest of the code uses.

export interface HubConfig {
  /** where the embedded store (SQLite), blobs, keys and temp files live */
  dataDir: string;
  listen: { host: string; port: number };
  /** the id this hub writes into the TraceHeaders it appends */
  hubId: string;
  /** load the demo directory into an empty store at start-up */
  demo: boolean;
  limits: {
    /** largest accepted request body in bytes (default 200 MB) */
    maxBodyBytes: number;
    /** largest page of an inbox or list */
    maxPageSize: number;
  };
  vxp: {
    /** accept a VXP timestamp this many seconds away from the hub's clock (default 900; 0 disables the check) */
    timestampWindowSeconds: number;
  };
  /** seconds a long-poll may wait at most */
  longPollMaxSeconds: number;
  log: { level: string; pretty: boolean };
  /** seconds to let in-flight requests finish on shutdown */
  shutdownGraceSeconds: number;
  /** the URL clients reach this hub at (OpenAPI `servers`); default: derived from listen */
  publicUrl?: string;
}
