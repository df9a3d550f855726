// The signature check of a package as it arrives. A hub appends its own <TraceHeader> to a document when it
// delivers it (one per hub on the way), after the sender signed it: the enveloped signature covers the whole
// package, so the bytes as delivered no longer match. The signature is then checked over the package with
// the trailing TraceHeaders set aside, one more at a time: only the exact bytes the sender signed verify,
// so nothing but what the hubs appended can be set aside that way. The verdict says what was set aside.

import type { X509Certificate } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { type Verdict, verifyPackage } from '@lienthong/trust';

export interface IncomingVerdict {
  status: Verdict['status'];
  weak: boolean;
  algorithm?: string;
  signer?: { subject: string; agencyCode?: string; issuer?: string; serialNumber: string; fingerprint256: string };
  reasons: Array<{ code: string; message: string; severity: string }>;
  /** the TraceHeaders appended after signing (by the hubs on the way), set aside for the check */
  appendedTraces?: Array<{ organId: string; timestamp: string }>;
  checkedAt: string;
}

/** How far into the file the TraceHeaderList is looked for. */
const HEADER_WINDOW = 4 * 1024 * 1024;
/** At most this many trailing TraceHeaders are set aside. */
const MAX_APPENDED = 4;

interface Trace {
  start: number;
  end: number;
  organId: string;
  timestamp: string;
}

export async function verifyIncoming(
  path: string,
  opts: { trustAnchors: readonly X509Certificate[]; expectedAgency: string },
): Promise<IncomingVerdict> {
  const options = { trustAnchors: opts.trustAnchors, expectedSigner: { agencyCode: opts.expectedAgency } };
  const first = await verifyPackage(createReadStream(path), options);
  if (first.status === 'valid' || first.status === 'absent' || !first.reasons.some((r) => r.code === 'digest-mismatch'))
    return summarize(first);
  const traces = await trailingTraces(path);
  // keep at least the sender's own TraceHeader
  for (let k = 1; k <= Math.min(MAX_APPENDED, traces.length - 1); k++) {
    const cutStart = traces[traces.length - k - 1]!.end;
    const cutEnd = traces[traces.length - 1]!.end;
    const v = await verifyPackage(withoutRange(path, cutStart, cutEnd), options);
    if (v.status === 'valid' || !v.reasons.some((r) => r.code === 'digest-mismatch'))
      return {
        ...summarize(v),
        appendedTraces: traces.slice(-k).map((t) => ({ organId: t.organId, timestamp: t.timestamp })),
      };
  }
  return summarize(first);
}

function summarize(v: Verdict): IncomingVerdict {
  return {
    status: v.status,
    weak: v.weak,
    ...(v.algorithm ? { algorithm: v.algorithm } : {}),
    ...(v.signer
      ? {
          signer: {
            subject: v.signer.subject,
            ...(v.signer.agencyCode ? { agencyCode: v.signer.agencyCode } : {}),
            ...(v.signer.issuer ? { issuer: v.signer.issuer } : {}),
            serialNumber: v.signer.serialNumber,
            fingerprint256: v.signer.fingerprint256,
          },
        }
      : {}),
    reasons: v.reasons.map((r) => ({ code: r.code, message: r.message, severity: r.severity })),
    checkedAt: new Date().toISOString(),
  };
}

/** The TraceHeaders of the package's TraceHeaderList, with their byte ranges. */
async function trailingTraces(path: string): Promise<Trace[]> {
  const fh = await open(path, 'r');
  let head: string;
  try {
    const buf = Buffer.alloc(HEADER_WINDOW);
    const { bytesRead } = await fh.read(buf, 0, HEADER_WINDOW, 0);
    // latin1: one character per byte, so string indices are byte offsets
    head = buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await fh.close();
  }
  const list = /<((?:[A-Za-z_][\w.-]*:)?)TraceHeaderList\b[^>]*>/.exec(head);
  if (!list) return [];
  const prefix = list[1] ?? '';
  const close = head.indexOf(`</${prefix}TraceHeaderList`, list.index);
  if (close < 0) return [];
  const body = head.slice(0, close);
  const p = prefix.replace(/[.]/g, '\\.');
  const re = new RegExp(
    `<${p}TraceHeader>\\s*<${p}OrganId>([^<]*)</${p}OrganId>\\s*<${p}Timestamp>([^<]*)</${p}Timestamp>\\s*</${p}TraceHeader>`,
    'g',
  );
  re.lastIndex = list.index + list[0].length;
  const traces: Trace[] = [];
  for (let m = re.exec(body); m; m = re.exec(body)) {
    traces.push({
      start: m.index,
      end: m.index + m[0].length,
      organId: Buffer.from(m[1] ?? '', 'latin1').toString('utf8'),
      timestamp: m[2] ?? '',
    });
  }
  return traces;
}

async function* withoutRange(path: string, cutStart: number, cutEnd: number): AsyncIterable<Uint8Array> {
  if (cutStart > 0) yield* createReadStream(path, { start: 0, end: cutStart - 1 });
  yield* createReadStream(path, { start: cutEnd });
}
