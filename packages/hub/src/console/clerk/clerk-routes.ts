export async function clerkRoutes(
  _app: import('fastify').FastifyInstance,
  _opts: import('../console-routes.js').ConsoleRouteOptions,
): Promise<void> {}
