// Serves the console's built SPA (packages/console/dist) at `/`: files read once into memory (the whole
// build is a few hundred KiB), only names found in the build directory are served (no path from the
// request ever reaches the file system), hashed assets cached for a year, index.html never cached.
// Any other GET that asks for HTML (a deep link such as /van-ban-den) gets index.html: the SPA routes it.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "frame-src 'self'",
  "object-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

interface Asset {
  bytes: Buffer;
  type: string;
  etag: string;
  immutable: boolean;
}

/** The console's build directory: `console.dir`, else packages/console/dist beside this package. */
export function defaultConsoleDir(): string {
  // src/console/ and dist/console/ are both two levels below packages/hub
  return fileURLToPath(new URL('../../../console/dist/', import.meta.url));
}

function load(dir: string): Map<string, Asset> | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const files = new Map<string, Asset>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const bytes = readFileSync(p);
        const url = `/${relative(dir, p).split(sep).join('/')}`;
        files.set(url, {
          bytes,
          type: TYPES[extname(name)] ?? 'application/octet-stream',
          etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`,
          immutable: url.startsWith('/assets/'),
        });
      }
    }
  };
  walk(dir);
  return files;
}

const NOT_BUILT = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Lienthong</title>
<p>Giao diện web chưa được build. / The console is not built: <code>npm run build -w @lienthong/console</code>.</p></html>`;

export async function serveConsole(app: FastifyInstance, opts: { dir?: string }): Promise<void> {
  const dir = opts.dir ?? defaultConsoleDir();
  let files = load(dir);
  const assets = () => {
    files ??= load(dir);
    return files;
  };

  const send = (request: FastifyRequest, reply: FastifyReply, asset: Asset) => {
    reply.header('etag', asset.etag);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (asset.type.startsWith('text/html')) {
      reply.header('content-security-policy', CSP);
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'same-origin');
    }
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.bytes);
  };

  const index = (request: FastifyRequest, reply: FastifyReply) => {
    const a = assets()?.get('/index.html');
    if (!a) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    return send(request, reply, a);
  };

  app.get('/', { schema: { hide: true }, logLevel: 'warn' }, index);
  app.get('/*', { schema: { hide: true }, logLevel: 'warn' }, async (request, reply) => {
    const path = request.url.split('?')[0]!;
    const asset = assets()?.get(path);
    if (asset) return send(request, reply, asset);
    const api = /^\/(v1|vxp|console\/api|docs)(\/|$)/.test(path);
    const wantsHtml = (request.headers.accept ?? '').includes('text/html');
    if (!api && wantsHtml && !extname(path)) return index(request, reply);
    return reply.code(404).send({
      error: { code: 'not-found', message: `no route ${request.method} ${path}`, requestId: request.id },
    });
  });
}
