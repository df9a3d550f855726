// Baseline: bare Fastify answering the delivery request pattern, in its own process, with no hub work.
// The same routes and answer sizes as the hub's drain (GET /v1/inbox → the items' JSON, GET
// /v1/packages/:docId → the package's bytes, POST /v1/packages/:docId/ack → 204, POST /v1/acks → the
// results' JSON), each agency's inbox an in-memory list (its bearer token) from which acknowledged
// packages go (refilled when empty). What it answers per second is the ceiling of the HTTP layer on this machine for
// the hub's delivery. Reads its setup (JSON) from argv[2]; prints its port on stdout when listening.
import Fastify from 'fastify';

export interface BareDeliverySetup {
  /** the bearer tokens (one inbox each) */
  tokens: string[];
  packagesPerInbox: number;
  /** one inbox item as the hub answered it (its docId is replaced) */
  item: Record<string, unknown> & { docId: string };
  /** bytes of one package as the hub serves it */
  packageBytes: number;
}

const setup = JSON.parse(process.argv[2]!) as BareDeliverySetup;
const body = Buffer.alloc(setup.packageBytes, 'x');
const idLength = setup.item.docId.length;
// each inbox holds packagesPerInbox items, as the hub's do when the drain starts; once emptied it is
// filled again with new ones, so that the drain lasts the whole window with the hub's page sizes
const inboxes = new Map<string, Map<string, Record<string, unknown>>>();
let round = 0;
function fill(inbox: Map<string, Record<string, unknown>>, t: number): void {
  round++;
  for (let i = 0; i < setup.packagesPerInbox; i++) {
    const docId = `${t}-${round}-${i}-`.padEnd(idLength, '0');
    inbox.set(docId, { ...setup.item, docId });
  }
}
const owner = new Map<Map<string, Record<string, unknown>>, number>();
for (const [t, token] of setup.tokens.entries()) {
  const inbox = new Map<string, Record<string, unknown>>();
  fill(inbox, t);
  owner.set(inbox, t);
  inboxes.set(`Bearer ${token}`, inbox);
}
function acknowledge(inbox: Map<string, Record<string, unknown>>, docId: string): void {
  inbox.delete(docId);
  if (inbox.size === 0 && owner.has(inbox)) fill(inbox, owner.get(inbox)!);
}
const inboxOf = (auth: string | undefined) => inboxes.get(auth ?? '') ?? new Map<string, Record<string, unknown>>();

const app = Fastify({ logger: false });
app.get<{ Querystring: { limit?: string } }>('/v1/inbox', async (req) => {
  const limit = Number(req.query.limit ?? 1000);
  const items: Record<string, unknown>[] = [];
  for (const item of inboxOf(req.headers.authorization).values()) {
    if (items.length >= limit) break;
    items.push(item);
  }
  return { items };
});
app.get<{ Params: { docId: string } }>('/v1/packages/:docId', async (req, reply) => {
  if (!inboxOf(req.headers.authorization).has(req.params.docId)) return reply.code(404).send({ error: 'not-found' });
  return reply.type('application/xml; charset=utf-8').send(body);
});
app.post<{ Params: { docId: string } }>('/v1/packages/:docId/ack', async (req, reply) => {
  acknowledge(inboxOf(req.headers.authorization), req.params.docId);
  return reply.code(204).send();
});
app.post<{ Body: { items: Array<{ docId: string }> } }>('/v1/acks', async (req) => {
  const inbox = inboxOf(req.headers.authorization);
  return {
    results: req.body.items.map(({ docId }) => {
      acknowledge(inbox, docId);
      return { docId, ok: true };
    }),
  };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(typeof address === 'object' && address ? address.port : 0);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
