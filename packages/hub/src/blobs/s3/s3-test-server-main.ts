// A real S3-protocol server for the tests, run as its own process: s3rver (a filesystem-backed S3
// implementation) on 127.0.0.1, storing under the directory given as first argument, on the port
// given as second (0: any free one). Prints `LISTENING <port>` once it accepts connections.
//
// s3rver answers AbortMultipartUpload with 405, ListMultipartUploads and UploadPartCopy with
// NotImplemented; they are added here over its own store (the directory where it keeps the parts of an
// upload in progress, its getObject and putPart), so the tests can check that an aborted upload leaves
// nothing behind and exercise copies part by part. Its deleteObject is replaced (see below). Everything
// else is s3rver's.

import { readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';

interface S3rverInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  store: {
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    getObject(
      bucket: string,
      key: string,
      range: { start: number; end: number },
    ): Promise<{ content: NodeJS.ReadableStream | null } | null>;
    putPart(
      bucket: string,
      uploadId: string,
      partNumber: number,
      content: NodeJS.ReadableStream,
    ): Promise<{ md5: string }>;
    deleteObject(bucket: string, key: string): Promise<void>;
  };
}
type S3rverClass = new (opts: Record<string, unknown>) => S3rverInstance;

const [directory, portArg] = process.argv.slice(2);
if (!directory) {
  console.error('usage: s3-test-server-main <directory> [port]');
  process.exit(2);
}
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
const s3 = new S3rver({ directory, silent: true });
const handle = s3.callback();

// s3rver's deleteObject also removes the object's directory once empty, which races a concurrent write
// into it (its mkdir done, the open not yet): the write's stream then fails with ENOENT and no handler,
// the request never answers and the process crashes. Real S3 has no directories: only the files go.
s3.store.deleteObject = async (bucket, key) => {
  await Promise.all(
    (['object', 'object.md5', 'metadata.json'] as const).map((resource) =>
      unlink(s3.store.getResourcePath(bucket, key, resource)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      }),
    ),
  );
};

const uploadsDir = (bucket: string) => s3.store.getResourcePath(bucket, undefined, 'uploads');
const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function abortUpload(bucket: string, uploadId: string, res: ServerResponse): Promise<void> {
  const dir = join(uploadsDir(bucket), uploadId.replace(/[^0-9a-zA-Z_-]/g, ''));
  const known = await stat(dir).then(
    () => true,
    () => false,
  );
  if (!known) {
    res.writeHead(404, { 'content-type': 'application/xml' });
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>no such upload</Message></Error>',
    );
    return;
  }
  await rm(dir, { recursive: true, force: true });
  res.writeHead(204).end();
}

async function listUploads(bucket: string, prefix: string, res: ServerResponse): Promise<void> {
  const root = uploadsDir(bucket);
  const ids = await readdir(root).catch(() => [] as string[]);
  const uploads: string[] = [];
  for (const id of ids.sort()) {
    const key = await readFile(join(root, id, 'key'), 'utf8').catch(() => undefined);
    if (key === undefined || !key.startsWith(prefix)) continue;
    const st = await stat(join(root, id));
    uploads.push(
      `<Upload><Key>${xmlEscape(key)}</Key><UploadId>${id}</UploadId><Initiated>${st.mtime.toISOString()}</Initiated></Upload>`,
    );
  }
  res.writeHead(200, { 'content-type': 'application/xml' });
  res.end(
    '<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult>' +
      `<Bucket>${xmlEscape(bucket)}</Bucket><Prefix>${xmlEscape(prefix)}</Prefix><IsTruncated>false</IsTruncated>` +
      `${uploads.join('')}</ListMultipartUploadsResult>`,
  );
}

function xmlError(res: ServerResponse, status: number, code: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message></Error>`);
}

async function uploadPartCopy(bucket: string, uploadId: string, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const partNumber = Number(url.searchParams.get('partNumber'));
  const source = decodeURIComponent(String(req.headers['x-amz-copy-source'])).replace(/^\//, '');
  const [srcBucket = '', ...srcKey] = source.split('/');
  const range = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers['x-amz-copy-source-range'] ?? ''));
  if (!range) return xmlError(res, 400, 'InvalidArgument');
  const known = await stat(join(uploadsDir(bucket), uploadId.replace(/[^0-9a-zA-Z_-]/g, ''))).then(
    () => true,
    () => false,
  );
  if (!known) return xmlError(res, 404, 'NoSuchUpload');
  const object = await s3.store.getObject(srcBucket, srcKey.join('/'), {
    start: Number(range[1]),
    end: Number(range[2]),
  });
  if (!object?.content) return xmlError(res, 404, 'NoSuchKey');
  const { md5 } = await s3.store.putPart(bucket, uploadId, partNumber, object.content);
  res.writeHead(200, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<CopyPartResult><LastModified>${new Date().toISOString()}</LastModified><ETag>"${md5}"</ETag></CopyPartResult>`,
  );
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const [, bucket, ...rest] = url.pathname.split('/');
  const uploadId = url.searchParams.get('uploadId');
  const fail = (err: unknown) => {
    res.writeHead(500).end(String(err));
  };
  if (req.method === 'DELETE' && bucket && rest.length > 0 && uploadId) {
    req.resume();
    abortUpload(decodeURIComponent(bucket), uploadId, res).catch(fail);
  } else if (req.method === 'PUT' && bucket && rest.length > 0 && uploadId && req.headers['x-amz-copy-source']) {
    req.resume();
    uploadPartCopy(decodeURIComponent(bucket), uploadId, req, res).catch(fail);
  } else if (req.method === 'GET' && bucket && rest.join('') === '' && url.searchParams.has('uploads')) {
    req.resume();
    listUploads(decodeURIComponent(bucket), url.searchParams.get('prefix') ?? '', res).catch(fail);
  } else {
    handle(req, res);
  }
});
server.listen(Number(portArg ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`LISTENING ${address.port}\n`);
});
// a test server must outlive one bad request: say what went wrong (the parent prints it) and go on
for (const event of ['uncaughtException', 'unhandledRejection'] as const)
  process.on(event, (err: unknown) => {
    process.stderr.write(`s3rver ${event}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  });
server.on('clientError', (err, socket) => {
  process.stderr.write(`s3rver clientError: ${err.message}\n`);
  socket.destroy();
});
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => server.close(() => process.exit(0)));
