// Console accounts, administered by national operators (auditors may list them): /console/api/accounts.
// Every change is audited (console/auth/console-accounts.ts), actor `console:<operator>`.

import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_ROLES } from './auth/console-accounts.js';
import { requireConsole } from './auth/require-console.js';
import type { ConsoleRouteOptions } from './console-routes.js';

const Role = Type.Union(CONSOLE_ROLES.map((r) => Type.Literal(r)));
const NewAccount = Type.Object(
  {
    username: Type.String({ minLength: 2, maxLength: 64 }),
    password: Type.String({ minLength: 10, maxLength: 200 }),
    role: Role,
    agencyCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
const Username = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) });
const Patch = Type.Object(
  {
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String({ minLength: 10, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const AccountView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Role,
  agencyCode: Type.Optional(Type.String()),
  displayName: Type.String(),
  disabled: Type.Boolean(),
  locked: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export async function accountsRoutes(app: FastifyInstance, opts: ConsoleRouteOptions): Promise<void> {
  const { accounts } = opts.console;
  const tags = ['console'];
  const actor = (username?: string) => `console:${username ?? '?'}`;

  app.get(
    '/accounts',
    {
      preHandler: requireConsole('national_operator', 'auditor'),
      schema: { tags, summary: 'Console accounts', response: { 200: Type.Object({ items: Type.Array(AccountView) }) } },
    },
    async () => ({ items: await accounts.list() }),
  );

  app.post<{ Body: Static<typeof NewAccount> }>(
    '/accounts',
    {
      preHandler: requireConsole('national_operator'),
      schema: { tags, summary: 'Create a console account', body: NewAccount, response: { 201: AccountView } },
    },
    async (request, reply) => {
      const created = await accounts.add(request.body, actor(request.consoleSession?.username), {
        requestId: request.id,
      });
      return reply.code(201).send(created);
    },
  );

  app.patch<{ Params: Static<typeof Username>; Body: Static<typeof Patch> }>(
    '/accounts/:username',
    {
      preHandler: requireConsole('national_operator'),
      schema: {
        tags,
        summary: 'Disable or enable an account, or set its password (ends its sessions, clears a lock-out)',
        params: Username,
        body: Patch,
        response: { 200: AccountView },
      },
    },
    async (request) => {
      const by = actor(request.consoleSession?.username);
      const ctx = { requestId: request.id };
      if (request.body.password !== undefined) {
        await accounts.setPassword(request.params.username, request.body.password, by, ctx);
      }
      if (request.body.disabled !== undefined) {
        await accounts.setDisabled(request.params.username, request.body.disabled, by, ctx);
      }
      return (await accounts.get(request.params.username))!;
    },
  );
}
