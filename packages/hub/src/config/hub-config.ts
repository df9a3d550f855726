// The hub's configuration: defaults < config file (JSON) < environment (LIENTHONG_*) < command-line flags.
// Loading and documentation of every key live beside this file; this is the shape the rest of the code uses.

export interface HubConfig {
  /** where the embedded store (SQLite), blobs, keys and temp files live */
  dataDir: string;
  /**
   * The Store's database: a PostgreSQL URL (`postgres://user:password@host:5432/db`), shared by every hub
   * node that points at it. Absent: the embedded SQLite file `<dataDir>/hub.sqlite`. Blobs, keys and the
   * development CA stay in dataDir either way.
   */
  database?: string;
  /** most connections one hub opens to a PostgreSQL database */
  databasePoolSize: number;
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
  intake: {
    /**
     * worker threads that parse, validate and verify packages small enough to be held in memory
     * (default: none under 4 cores, else one per core but one: defaultIntakeWorkers); 0 does it all on the
     * event loop
     */
    workers: number;
  };
  trust: TrustConfig;
  tls: TlsConfig;
  blobs: BlobsConfig;
  webhooks: WebhooksConfig;
  /** links to other hubs (docs/protocols/federation.md); no parent and no children: a hub on its own */
  federation: FederationConfig;
  /** the operator console (console/ops) */
  ops: {
    /** a delivery not acknowledged this many hours after it was created counts as overdue (default 24) */
    ackDeadlineHours: number;
    /** how often the statistics aggregator folds new packages, in milliseconds (default 500) */
    statsIntervalMs: number;
  };
  /** the web console at `/` (docs/console.md) */
  console: ConsoleConfig;
}

/** Push delivery to agencies' webhooks (delivery/webhooks/, docs/protocols/webhooks.md). */
export interface WebhooksConfig {
  /** run the dispatcher in `serve` (default true); registrations are accepted either way */
  enabled: boolean;
  /** ms an attempt may take, connection to answer, before it counts as failed (default 10 000) */
  timeoutMs: number;
  /** attempts under way at once on one node (default 8) */
  concurrency: number;
  /** ms before the first retry; each later one doubles it, with jitter (default 5 000) */
  initialDelayMs: number;
  /** longest ms between two attempts (default 3 600 000: one hour) */
  maxDelayMs: number;
  /** seconds after which a notification still not acknowledged by a 2xx becomes a dead letter (default 86 400) */
  horizonSeconds: number;
  /** ms between two looks at the queue when nothing wakes the dispatcher (default 1 000) */
  pollIntervalMs: number;
  /** host names a webhook URL may name (exact, or `*.example.vn` for subdomains); empty: any host */
  allowedHosts: string[];
}

/** One linked hub: its id, where it listens, and its pinned link key. */
export interface FederationPeer {
  /** the peer's hubId (the id it writes into TraceHeaders) */
  hubId: string;
  /** its base URL, e.g. https://hub.hanoi.gov.vn */
  url: string;
  /** PEM file of the peer's link public key (or a certificate carrying it): pinned, the only key accepted for it */
  certificate: string;
}

export interface FederationConfig {
  parent?: FederationPeer;
  children: FederationPeer[];
  /** this hub's link key (Ed25519, PKCS#8 PEM); default `<dataDir>/keys/link.key`, generated at first start */
  linkKey?: string;
  /** seconds between directory pulls on each link (default 30) */
  syncIntervalSeconds: number;
  /** first retry delay of a failed delivery over a link, in ms (doubled each time, with jitter; default 1000) */
  retryBaseMs: number;
  /** longest retry delay, in ms (default 60000) */
  retryMaxMs: number;
  /** a signed link request older or newer than this is refused (default 300) */
  clockSkewSeconds: number;
}

export interface ConsoleConfig {
  /** serve the console (SPA at `/`, API under `/console/api/`); default true */
  enabled: boolean;
  /** the console's built files (default: packages/console/dist beside the hub package) */
  dir?: string;
  /** sign-in failures in a row that lock an account (default 5) */
  lockoutThreshold: number;
  /** how long a locked account (or client address) stays locked (default 15) */
  lockoutMinutes: number;
  /** sign-in failures from one client address, whatever the usernames, that lock the address (default 20) */
  ipLockoutThreshold: number;
  /** the window those failures are counted in, minutes (default 15) */
  ipLockoutWindowMinutes: number;
  /** a session unused this long ends (default 30) */
  sessionIdleMinutes: number;
  /** a session ends this long after sign-in, used or not (default 12) */
  sessionMaxHours: number;
  /** largest attachment a clerk may upload when composing (default 50 MiB) */
  maxUploadBytes: number;
}

export interface BlobsConfig {
  /**
   * Where blobs larger than the inline threshold live: 'fs' (default: files under `<dataDir>/blobs`)
   * or 's3' (an S3-compatible object store: AWS S3, MinIO, Ceph RGW). Small ones are in the database either way.
   */
  backend: 'fs' | 's3';
  s3: S3BlobsConfig;
}

export interface S3BlobsConfig {
  /** e.g. http://minio.internal:9000; default: the AWS S3 endpoint of `region` */
  endpoint?: string;
  /** required with backend 's3' */
  bucket?: string;
  region: string;
  /** http://host/bucket/key rather than http://bucket.host/key (MinIO, Ceph RGW); default true */
  forcePathStyle: boolean;
  /** both or neither; neither: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile or an instance role */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** prepended to every object key, e.g. `lienthong/` to share a bucket */
  prefix: string;
  /** MiB per part of a multipart upload (5–5120; default 8) */
  partSizeMiB: number;
}

export type SignaturePolicy = 'off' | 'report' | 'require';

export interface TrustConfig {
  /**
   * Run a development CA in `<dataDir>/pki/ca` (created at first start) that stands in for the
   * government CA: it is a trust anchor, issues the hub's certificate and the demo agencies'.
   * Default true; production sets `anchors` (and usually `hubCertificate`/`hubKey`) and turns it off.
   */
  devCa: boolean;
  /** PEM files of trust anchors (root CAs), e.g. the government CA */
  anchors: string[];
  /** PEM files of intermediate CA certificates to build chains with */
  intermediates: string[];
  /** CRLs: PEM/DER files or http(s) URLs, refreshed every `crlRefreshSeconds` */
  crls: string[];
  crlRefreshSeconds: number;
  /** what a CRL past its nextUpdate means: 'indeterminate' (a `require` policy refuses) or 'accept' (noted only) */
  staleCrl: 'indeterminate' | 'accept';
  /** default signature policy at intake; an agency may have its own */
  signaturePolicy: SignaturePolicy;
  /** the hub's own certificate chain (PEM, leaf first) and key, used for receipts and checkpoints; default: issued by the dev CA */
  hubCertificate?: string;
  hubKey?: string;
  /** seconds between signed checkpoints of the audit chain head */
  checkpointIntervalSeconds: number;
}

export interface TlsConfig {
  /** serve HTTPS with this certificate chain (PEM) and key; both or neither */
  cert?: string;
  key?: string;
  /** serve HTTPS with the hub's own certificate (issued by the development CA unless trust.hubCertificate is set) */
  dev: boolean;
  /** ask clients for a certificate (mutual TLS) and accept those chaining to these CAs (PEM files; default: the trust anchors) */
  clientCa: string[];
  /** request a client certificate (mutual TLS as an alternative to HMAC / API keys) */
  requestClientCert: boolean;
}
