// The console's HTTP API under /console/api/ (docs/console.md). Every plugin in CONSOLE_API_PLUGINS is
// registered inside one context whose onRequest hook resolves the session cookie into
// `request.consoleSession`; a route guards itself with `preHandler: requireConsole(...roles)`
// (auth/require-console.ts). To add a group of routes: write a plugin taking ConsoleRouteOptions and add
// it to the list below.

import type { FastifyInstance } from 'fastify';
import { accountsRoutes } from './accounts-routes.js';
import { sessionHook } from './auth/require-console.js';
import { clerkRoutes } from './clerk/clerk-routes.js';
import type { ConsoleService } from './console-service.js';
import { opsApi } from './ops/ops-routes.js';
import { sessionRoutes } from './session-routes.js';

export interface ConsoleRouteOptions {
  console: ConsoleService;
}

export type ConsoleRoutePlugin = (app: FastifyInstance, opts: ConsoleRouteOptions) => Promise<void>;

/** Route groups of /console/api, in registration order. */
export const CONSOLE_API_PLUGINS: ConsoleRoutePlugin[] = [
  sessionRoutes,
  accountsRoutes,
  clerkRoutes,
  // operators' routes (console/ops/)
  opsApi,
];

/** Registered with prefix `/console/api`. */
export async function consoleApi(app: FastifyInstance, opts: ConsoleRouteOptions): Promise<void> {
  app.decorateRequest('consoleSession', undefined);
  app.addHook('onRequest', sessionHook(opts.console));
  app.addHook('onSend', async (_request, reply) => {
    // API answers are per account: never cached, never framed
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
  });
  // (not `opts` itself: it carries the `/console/api` prefix, which the children would add again)
  for (const plugin of CONSOLE_API_PLUGINS) await app.register(plugin, { console: opts.console });
}
