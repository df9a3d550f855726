// Scenario: one package with a very large attachment goes in through POST /v1/packages and out
// through GET /v1/packages/{docId}; we record the time each way and the hub's resident memory.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { buildDocument, type DocumentHeader, parseEdxml } from '@lienthong/edxml';
import { demoKeys } from './demo-keys.js';
import type { HubProcess } from './hub-process.js';
import { RssSampler, readRss } from './rss-sampler.js';

export interface LargePackageResult {
  attachmentBytes: number;
  packageBytes: number;
  upload: { seconds: number; mbPerSecond: number; hubRssGrowthMb: number };
  download: { seconds: number; mbPerSecond: number; hubRssGrowthMb: number };
  hubBaselineRssMb: number;
  attachmentHashMatches: boolean;
}

const MiB = 1024 * 1024;
const SENDER = '000.00.00.G22';
const RECIPIENT = '000.00.00.H41';

/** Deterministic, incompressible-looking bytes produced chunk by chunk; hashes what it yields. */
async function* attachmentContent(totalBytes: number, hash: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  const chunk = Buffer.alloc(MiB);
  let state = 0x9e3779b9;
  for (let sent = 0; sent < totalBytes; sent += chunk.length) {
    for (let i = 0; i < chunk.length; i += 4) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      chunk.writeInt32LE(state | 0, i);
    }
    const piece = Buffer.from(chunk.subarray(0, Math.min(chunk.length, totalBytes - sent)));
    hash.update(piece);
    yield piece;
  }
}

function header(): DocumentHeader {
  return {
    from: { organId: SENDER, organName: 'Văn phòng Chính phủ' },
    to: [{ organId: RECIPIENT, organName: 'UBND tỉnh Nghệ An' }],
    documentId: `${SENDER},2026/11/21,${Date.now() % 100000}/VPCP-BENCH`,
    code: { codeNumber: String(Date.now() % 100000), codeNotation: 'VPCP-BENCH' },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: '2026/11/20' },
    documentType: { type: 1, typeName: 'Công văn' },
    subject: 'Gói tin lớn để đo hiệu năng',
    signerInfo: { fullName: 'Bench' },
    otherInfo: { priority: 0, appendixes: [] },
    responseFor: [],
    toPlaces: [],
  };
}

export async function runLargePackage(hub: HubProcess, attachmentBytes: number): Promise<LargePackageResult> {
  const keys = hub.demoCredentials();
  const sender = demoKeys(keys, SENDER);
  const recipient = demoKeys(keys, RECIPIENT);

  const expected = createHash('sha256');
  const body = Readable.from(
    buildDocument({
      header: header(),
      attachments: [
        {
          attachmentName: 'bench.bin',
          contentType: 'application/octet-stream',
          content: attachmentContent(attachmentBytes, expected),
        },
      ],
    }),
  );

  const baseline = readRss(hub.pid);
  let sampler = new RssSampler(hub.pid);
  let started = process.hrtime.bigint();
  const submitted = await new Promise<{ docId: string; size: number }>((resolve, reject) => {
    const req = request(`${hub.url}/v1/packages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sender.apiKey}`, 'content-type': 'application/xml' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        if (res.statusCode !== 201 && res.statusCode !== 200) reject(new Error(`submit: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text));
      });
    });
    body.pipe(req);
  });
  const uploadSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const uploadPeak = sampler.stop();
  const expectedSha = expected.digest('hex');

  const downloadBaseline = readRss(hub.pid);
  sampler = new RssSampler(hub.pid);
  started = process.hrtime.bigint();
  let downloaded = 0;
  const parsed = await new Promise<Awaited<ReturnType<typeof parseEdxml>>>((resolve, reject) => {
    const req = request(`${hub.url}/v1/packages/${submitted.docId}`, {
      headers: { authorization: `Bearer ${recipient.apiKey}` },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`download: ${res.statusCode}`));
        res.resume();
        return;
      }
      const counted = res.pipe(
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            downloaded += chunk.length;
            done(null, chunk);
          },
        }),
      );
      parseEdxml(counted).then(resolve, reject);
    });
    req.end();
  });
  const downloadSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const downloadPeak = sampler.stop();

  const attachment = parsed.package.kind === 'document' ? parsed.package.attachments[0] : undefined;
  console.error(
    `  large: in ${(submitted.size / MiB / uploadSeconds).toFixed(1)} MiB/s (+${((uploadPeak - baseline) / MiB).toFixed(1)} MiB hub RSS), out ${(downloaded / MiB / downloadSeconds).toFixed(1)} MiB/s (+${((downloadPeak - downloadBaseline) / MiB).toFixed(1)} MiB)`,
  );
  return {
    attachmentBytes,
    packageBytes: submitted.size,
    hubBaselineRssMb: baseline / MiB,
    upload: {
      seconds: uploadSeconds,
      mbPerSecond: submitted.size / MiB / uploadSeconds,
      hubRssGrowthMb: (uploadPeak - baseline) / MiB,
    },
    download: {
      seconds: downloadSeconds,
      mbPerSecond: downloaded / MiB / downloadSeconds,
      hubRssGrowthMb: (downloadPeak - downloadBaseline) / MiB,
    },
    attachmentHashMatches: attachment?.sha256 === expectedSha,
  };
}
