// Baseline (b): a bare Fastify endpoint in its own process that only drains the request body and
// answers 200. Prints its port on stdout when listening.
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 256 * 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_req, payload, done) => {
  payload.on('data', () => {});
  payload.on('end', () => done(null, undefined));
  payload.on('error', (e) => done(e, undefined));
});
app.post('/drain', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(typeof address === 'object' && address ? address.port : 0);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
