// Child process: builds and signs a slice of the package pool (unique ~10 KB packages, one 5 KiB
// attachment, ECDSA P-256 signature with the sender's demo certificate) and writes them to a file of
// records `[u32 length][bytes]`, in the order of the indexes it was given. Run by package-pool.ts.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildDocument, collect, type DocumentHeader } from '@lienthong/edxml';
import { signPackage } from '@lienthong/trust';

export interface PoolJob {
  out: string;
  /** global index of the first package of this slice (DocumentIds are numbered from it) */
  first: number;
  count: number;
  run: string;
  /** [sender, recipient] per package of the slice */
  pairs: Array<[string, string]>;
  /** certificate and key PEM files per sender code */
  keys: Record<string, { certificate: string; key: string }>;
}

function header(sender: string, recipient: string, n: number, run: string): DocumentHeader {
  return {
    from: { organId: sender, organName: `Cơ quan ${sender}` },
    to: [{ organId: recipient, organName: `Cơ quan ${recipient}` }],
    documentId: `${sender},2026/11/21,${n}/${run}-BENCH`,
    code: { codeNumber: String(n), codeNotation: `${run}-BENCH` },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: '2026/11/20' },
    documentType: { type: 1, typeName: 'Công văn' },
    subject: `Gói tin đo hiệu năng số ${n} — kiểm tra tiếp nhận có chữ ký số`,
    signerInfo: { fullName: 'Nguyễn Văn Bench', position: 'Chánh Văn phòng' },
    otherInfo: { priority: 0, appendixes: [] },
    responseFor: [],
    toPlaces: [],
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as PoolJob;
  const pems = new Map<string, { certificate: string; key: string }>();
  const parts: Buffer[] = [];
  for (let i = 0; i < job.count; i++) {
    const [sender, recipient] = job.pairs[i]!;
    let pem = pems.get(sender);
    if (!pem) {
      const files = job.keys[sender]!;
      pem = { certificate: readFileSync(files.certificate, 'utf8'), key: readFileSync(files.key, 'utf8') };
      pems.set(sender, pem);
    }
    const unsigned = await collect(
      buildDocument({
        header: header(sender, recipient, job.first + i, job.run),
        attachments: [
          {
            attachmentName: `phu-luc-${job.first + i}.bin`,
            contentType: 'application/octet-stream',
            content: randomBytes(5120),
          },
        ],
      }),
    );
    const signed = await signPackage(
      async function* () {
        yield unsigned;
      },
      { key: pem.key, certificate: pem.certificate },
    );
    const bytes = await collect(signed.bytes());
    const len = Buffer.alloc(4);
    len.writeUInt32LE(bytes.length);
    parts.push(len, bytes);
  }
  writeFileSync(job.out, Buffer.concat(parts));
}

await main();
