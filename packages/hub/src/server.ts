import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { Server as TlsServer } from 'node:tls';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HubConfig } from './config/hub-config.js';
import { consoleApi } from './console/console-routes.js';
import type { ConsoleService } from './console/console-service.js';
import type { OpsConsole } from './console/ops/ops-console.js';
import { authenticatedSystem } from './console/ops/request-identity.js';
import { serveConsole } from './console/serve-console.js';
import type { HubService } from './core/contract.js';
import type { WebhookService } from './delivery/webhooks/webhook-service.js';
import type { Federation } from './federation/federation.js';
import { federationRoutes } from './federation/federation-routes.js';
import { type ClientCertificateAuth, createClientCertificateAuth } from './http/auth/client-certificate-auth.js';
import { serverTlsOptions } from './http/auth/server-tls-options.js';
import { v1ErrorHandler } from './http/v1/v1-error-handler.js';
import { v1Routes } from './http/v1/v1-routes.js';
import { vxpRoutes } from './http/vxp/vxp-routes.js';
import { createHub, type DemoCredentials, type Hub } from './index.js';
import { createLogger } from './observability/create-logger.js';
import { createHubMetrics, type HubMetrics, type HubStatsSource } from './observability/hub-metrics.js';
import { opsRoutes } from './observability/ops-routes.js';
import type { HubPki } from './pki/hub-pki.js';

/** The hub as the HTTP front end needs it; `stats` (when there) feeds the gauges of /metrics. */
export type ServedHub = HubService &
  Partial<HubStatsSource> & {
    readonly pki?: HubPki;
    readonly webhooks?: WebhookService;
    readonly federation?: Federation | undefined;
    readonly console?: ConsoleService;
    readonly ops?: OpsConsole;
  };

export interface ServerDeps {
  hub: ServedHub;
  logger: Logger;
  /** the registry whose observer the hub reports to; created here when absent */
  metrics?: HubMetrics;
  /** the clock authentication judges timestamps and certificates by (default: the system clock) */
  now?: () => Date;
}

const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** Composes the hub's HTTP server: operations routes, /v1 (+ OpenAPI at /docs), VXP at `/` and `/vxp/`. */
export async function createServer(config: HubConfig, deps: ServerDeps): Promise<FastifyInstance> {
  const { hub } = deps;
  const metrics = deps.metrics ?? createHubMetrics();
  if (hub.stats) metrics.bindStats(hub as HubStatsSource);
  if (hub.federation) metrics.bindLinks(hub.federation);

  const https = await serverTlsOptions(config.tls, hub.pki);
  const certificates = config.tls.requestClientCert ? await clientCertificates(config, hub, deps.now) : undefined;
  const app = Fastify({
    ...(https ? { https } : {}),
    loggerInstance: deps.logger,
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // JSON bodies only: uploads are streamed by their own parsers and never meet this limit.
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
  }) as unknown as FastifyInstance;

  // a client that cannot complete the handshake (plain HTTP, no common protocol) costs it its connection only
  app.server.on('tlsClientError', (err: Error) => deps.logger.debug({ err: err.message }, 'TLS handshake failed'));
  const shutdown = new AbortController();
  // every waiting long-poll listens for shutdown: their number is bounded by connections, not by 10
  setMaxListeners(0, shutdown.signal);
  app.addHook('preClose', async () => shutdown.abort());
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // A response that ends during shutdown (a long-poll woken by it, whose last inbox read took a round trip
  // to PostgreSQL) closes its connection: the server closed the idle ones when the shutdown began, and a
  // kept-alive one would hold the close until the grace period is over.
  app.addHook('onSend', async (_request, reply) => {
    if (shutdown.signal.aborted) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    const system = hub.ops && authenticatedSystem(request);
    if (system)
      hub.ops?.activity.record(system, reply.statusCode, request.method, request.routeOptions.url ?? 'unmatched');
    metrics.httpDuration.observe(
      { route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.setErrorHandler(v1ErrorHandler);
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({
      error: {
        code: 'not-found',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
        requestId: request.id,
      },
    }),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Lienthong hub API',
        version: '1.0.0',
        description:
          'The native /v1 API of the Lienthong electronic-document hub. The VXP protocol of the vendor SDKs is served beside it (see docs/protocols/vxp.md).',
      },
      servers: [
        {
          url:
            config.publicUrl ?? `${https ? 'https' : 'http'}://${hostForUrl(config.listen.host)}:${config.listen.port}`,
        },
      ],
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description:
              'an agency API key, `lt_<keyId>_<secret>`; on a hub with mutual TLS, a client certificate naming the agency may replace it',
          },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      if (url === '/v1/packages' && route.method === 'POST') {
        const binary = { schema: { type: 'string', format: 'binary' } };
        return {
          schema: { ...schema, body: { content: { 'application/xml': binary, 'application/octet-stream': binary } } },
          url,
        } as never;
      }
      return { schema, url } as never;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(opsRoutes, { hub, metrics });
  await app.register(v1Routes, {
    prefix: '/v1',
    hub,
    config,
    shutdown: shutdown.signal,
    certificates,
    ...(hub.webhooks ? { webhooks: hub.webhooks } : {}),
  });
  // The SDKs append the operation to the configured endpoint: both `http://hub` and `http://hub/vxp` work.
  const vxp = { hub, config, certificates, ...(deps.now ? { now: deps.now } : {}) };
  await app.register(vxpRoutes, vxp);
  await app.register(vxpRoutes, { prefix: '/vxp', ...vxp });
  // hub-to-hub links (federation), signed by the linked hubs' pinned keys
  if (hub.federation) {
    await app.register(federationRoutes, { prefix: '/federation/v1', hub, federation: hub.federation, config });
  }
  // ---- web console (docs/console.md): API under /console/api, the SPA at / ----
  if (config.console.enabled && hub.console) {
    await app.register(consoleApi, { prefix: '/console/api', console: hub.console });
    await app.register(serveConsole, { ...(config.console.dir ? { dir: config.console.dir } : {}) });
  }
  return app;
}

async function clientCertificates(
  config: HubConfig,
  hub: ServedHub,
  now: (() => Date) | undefined,
): Promise<ClientCertificateAuth> {
  if (!hub.pki) throw new Error("tls.requestClientCert needs the hub's PKI (trust anchors and CRLs)");
  return createClientCertificateAuth(config, hub.pki, hub, now ?? (() => new Date()));
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export interface StartHubOptions {
  /** default: a logger built from `config.log` */
  logger?: Logger;
  /** install SIGTERM/SIGINT graceful shutdown (default true) */
  installSignalHandlers?: boolean;
  /** the clock authentication judges timestamps and certificates by (tests) */
  now?: () => Date;
}

export interface StartedHub {
  /** where the hub listens, e.g. `http://127.0.0.1:8080` (`https://` when it serves TLS) */
  url: string;
  hub: Hub;
  server: FastifyInstance;
  /** the demo credentials, when started with `demo` */
  demo?: DemoCredentials;
  /** stop accepting, let in-flight requests finish (up to the grace period), close the hub; idempotent */
  close(): Promise<void>;
}

/** Creates the logger, the hub and the server, listens, and (by default) shuts down gracefully on SIGTERM/SIGINT. */
export async function startHub(config: HubConfig, opts: StartHubOptions = {}): Promise<StartedHub> {
  const logger = opts.logger ?? createLogger(config.log);
  const metrics = createHubMetrics();
  const hub = await createHub(config, { logger, observer: metrics.observer });
  let server: FastifyInstance;
  let demo: DemoCredentials | undefined;
  try {
    if (config.demo) demo = await hub.initDemo();
    if (config.webhooks.enabled) hub.startWebhookDispatcher();
    server = await createServer(config, {
      hub,
      logger,
      metrics,
      ...(opts.now ? { now: opts.now } : {}),
    });
    await server.listen({
      host: config.listen.host,
      port: config.listen.port,
      listenTextResolver: (address) => `http server bound to ${address}`,
    });
  } catch (err) {
    await hub.close().catch(() => {});
    throw err;
  }
  // federation: forwarders resume the outbox where the previous run left it; directory exchange starts
  hub.startFederation();
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.listen.port;
  const scheme = server.server instanceof TlsServer ? 'https' : 'http';
  const url = `${scheme}://${hostForUrl(config.listen.host)}:${port}`;
  logger.info({ url, hubId: config.hubId, dataDir: config.dataDir }, 'hub listening');
  // blob files a crash left unreferenced: reclaimed in the background, start-up never waits for it
  hub.collectGarbage({ actor: 'hub' }).then(
    (report) => logger.info(report, 'orphan blobs collected'),
    (err: unknown) => logger.warn({ err }, 'orphan blob collection failed'),
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      const timer = setTimeout(() => {
        logger.warn({ graceSeconds: config.shutdownGraceSeconds }, 'grace period over: closing open connections');
        server.server.closeAllConnections();
      }, config.shutdownGraceSeconds * 1000);
      try {
        await server.close();
      } finally {
        clearTimeout(timer);
        await hub.close();
        logger.info('hub stopped');
      }
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  if (opts.installSignalHandlers ?? true) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { url, hub, server, close, ...(demo ? { demo } : {}) };
}
