// The intake workers change where a held package is parsed and verified, never the outcome: two hubs
// with the same data (one copied from the other: same directory, same development CA, same keys),
// one without workers and one with, are sent the same packages in the same order, and must give the
// same answers: the same result (warnings, sha256, size, recipients), the same stored bytes and
// attachment digests, the same signature verdicts, and for bad input the same HubError (code,
// message, path, details).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseEdxml } from '@lienthong/edxml';
import { fixturesDir } from '@lienthong/edxml/testing';
import { signPackage } from '@lienthong/trust';
import pino from 'pino';
import type { HubConfig } from '../../config/hub-config.js';
import { HubError, type SignaturePolicy } from '../../core/contract.js';
import { createHub } from '../../core/create-hub.js';
import type { DemoCredentials, Hub } from '../../core/hub.js';
import { as, body, collectStream, ctxOf, documentPackage, testConfig } from '../../core/hub-test-support.js';

const SENDER = '000.00.00.H41';
const OTHER = '000.00.00.G22';

interface Case {
  name: string;
  bytes: Buffer;
  principal: string;
  messageType?: 'edoc' | 'status' | 'auto';
  declaredSha256?: string;
  /** run under this signature policy for the sender */
  policy?: SignaturePolicy;
  /** the body is streamed in chunks of this size (default 16 KiB) */
  chunk?: number;
}

let dirs: string[] = [];
let inline: Hub;
let workers: Hub;
let demo: DemoCredentials;
const logger = pino({ level: 'silent' });

function configFor(dataDir: string, intakeWorkers: number): HubConfig {
  const config = testConfig(dataDir, { maxBodyBytes: 2 * 1024 * 1024 });
  config.intake.workers = intakeWorkers;
  return config;
}

async function signWith(bytes: Buffer, code: string): Promise<Buffer> {
  const c = demo.all.find((x) => x.systemId === code);
  assert.ok(c?.certificate && c.key, `demo certificate of ${code}`);
  const signed = await signPackage(
    async function* () {
      yield bytes;
    },
    {
      key: await readFile(c.key, 'utf8'),
      certificate: await readFile(c.certificate, 'utf8'),
    },
  );
  return collectStream(signed.bytes());
}

function edit(bytes: Buffer, find: RegExp | string, replace: string): Buffer {
  const text = bytes.toString('utf8');
  const out = text.replace(find, replace);
  assert.ok(out !== text, `the edit ${find} applies`);
  return Buffer.from(out, 'utf8');
}

async function senderOf(bytes: Buffer): Promise<string> {
  const { package: pkg } = await parseEdxml(
    (async function* () {
      yield bytes;
    })(),
  );
  return pkg.kind === 'status' ? pkg.from.organId : pkg.header.from.organId;
}

/** Everything observable about one submission, with what differs by nature (DocId, times) left out. */
async function outcome(hub: Hub, c: Case): Promise<unknown> {
  const ctx = ctxOf(hub);
  if (c.policy) await hub.setSignaturePolicy(SENDER, c.policy);
  try {
    const r = await hub.submit({
      principal: as(c.principal),
      body: body(c.bytes, c.chunk ?? 16 * 1024),
      messageType: c.messageType ?? 'auto',
      ...(c.declaredSha256 ? { declaredSha256: c.declaredSha256 } : {}),
    });
    const doc = await ctx.store.getDocument(r.docId);
    assert.ok(doc);
    const stored = await collectStream(await ctx.blobs.open(doc.blobKey));
    assert.ok(stored.equals(c.bytes), `${c.name}: the stored body is the body sent`);
    const timeline = await hub.timeline(as(c.principal), r.docId);
    const attachments = [];
    for (const a of await ctx.store.listAttachments(r.docId)) {
      const bytes = await collectStream(await ctx.blobs.open(a.blobKey));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), a.sha256);
      attachments.push({ ...a, docId: undefined, bytes: bytes.toString('base64') });
    }
    const signature = timeline.signature;
    const { docId: _docId, receipt: _receipt, ...result } = r;
    return withoutDocIds({
      ok: true,
      result,
      doc: { ...doc, docId: undefined, seq: undefined, acceptedAt: undefined, hubTraceTimestamp: undefined },
      attachments,
      signature,
    });
  } catch (err) {
    assert.ok(err instanceof HubError, `${c.name}: ${(err as Error).stack}`);
    return withoutDocIds({ ok: false, code: err.code, message: err.message, path: err.path, details: err.details });
  } finally {
    if (c.policy) await hub.setSignaturePolicy(SENDER, null);
  }
}

/** DocIds (of duplicates, conflicts) and the times signatures were checked at differ between the hubs by nature */
function withoutDocIds(x: unknown): unknown {
  const json = JSON.stringify(x, (key, value) => (key === 'checkedAt' ? undefined : value));
  return JSON.parse(json.replace(/\b[0-9a-f]{24}\b/g, '<docId>'));
}

async function cases(): Promise<Case[]> {
  const out: Case[] = [];
  for (const name of (await readdir(fixturesDir())).filter((f) => f.endsWith('.edxml')).sort()) {
    const bytes = await readFile(join(fixturesDir(), name));
    out.push({ name: `fixture ${name}`, bytes, principal: await senderOf(bytes) });
    out.push({ name: `fixture ${name}, 997-byte chunks`, bytes, principal: await senderOf(bytes), chunk: 997 });
  }
  const plain = await documentPackage(SENDER, [OTHER], {
    attachments: [
      { attachmentName: 'a.pdf', contentType: 'application/pdf', content: Buffer.alloc(6 * 1024, 0x41) },
      { attachmentName: 'b.txt', contentType: 'text/plain', content: Buffer.from('second attachment') },
      { attachmentName: 'empty.bin', content: Buffer.alloc(0) },
    ],
  });
  const signed = await signWith(plain, SENDER);
  const preamble = Buffer.from('--b0undary\r\nContent-Disposition: form-data; name="file"; filename="x.edxml"\r\n\r\n');
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const big = await documentPackage(SENDER, [OTHER], {
    attachments: [{ attachmentName: 'big.bin', content: Buffer.alloc(300 * 1024, 9) }],
  });
  const doc = () => documentPackage(SENDER, [OTHER]);
  out.push(
    { name: 'unsigned, three attachments (one empty)', bytes: plain, principal: SENDER },
    { name: 'the same again (a duplicate)', bytes: plain, principal: SENDER },
    { name: 'signed by the sender', bytes: signed, principal: SENDER },
    { name: 'signed, under require', bytes: await signWith(await doc(), SENDER), principal: SENDER, policy: 'require' },
    { name: 'signed, under off', bytes: await signWith(await doc(), SENDER), principal: SENDER, policy: 'off' },
    {
      name: 'tampered after signing',
      bytes: edit(await signWith(await doc(), SENDER), /Văn bản thử nghiệm \d+/, 'Văn bản đã sửa'),
      principal: SENDER,
    },
    {
      name: 'tampered after signing, under require',
      bytes: edit(await signWith(await doc(), SENDER), /Văn bản thử nghiệm \d+/, 'Văn bản đã sửa'),
      principal: SENDER,
      policy: 'require',
    },
    { name: 'signed by another agency', bytes: await signWith(await doc(), OTHER), principal: SENDER },
    {
      name: 'signed by another agency, under require',
      bytes: await signWith(await doc(), OTHER),
      principal: SENDER,
      policy: 'require',
    },
    { name: 'unsigned, under require', bytes: await doc(), principal: SENDER, policy: 'require' },
    {
      name: 'a multipart preamble before the XML',
      bytes: Buffer.concat([preamble, await doc()]),
      principal: SENDER,
      chunk: 5,
    },
    { name: 'the declared digest matches', bytes: await doc(), principal: SENDER, declaredSha256: '' },
    { name: 'a wrong declared digest', bytes: plain, principal: SENDER, declaredSha256: sha(Buffer.from('x')) },
    { name: 'messagetype status for a document', bytes: await doc(), principal: SENDER, messageType: 'status' },
    { name: 'a forged sender', bytes: await doc(), principal: OTHER },
    { name: 'an unknown recipient', bytes: await documentPackage(SENDER, ['999.99.99.Z99']), principal: SENDER },
    { name: 'malformed XML', bytes: edit(plain, '</edXML:Subject>', '</edXML:Subjec>'), principal: SENDER },
    {
      name: 'a DTD',
      bytes: edit(plain, '<edXML ', '<!DOCTYPE edXML [<!ELEMENT edXML ANY>]>\n<edXML '),
      principal: SENDER,
    },
    { name: 'an undefined entity', bytes: edit(plain, /Văn bản thử nghiệm/, '&undefinedEntity;'), principal: SENDER },
    {
      name: '10,000-deep nesting',
      bytes: edit(plain, /Văn bản thử nghiệm/, `${'<a>'.repeat(10_000)}x${'</a>'.repeat(10_000)}`),
      principal: SENDER,
    },
    { name: 'a missing Code', bytes: edit(plain, /<edXML:Code>[\s\S]*?<\/edXML:Code>/, ''), principal: SENDER },
    {
      name: 'a bad date',
      bytes: edit(plain, /<edXML:PromulgationDate>[^<]*</, '<edXML:PromulgationDate>2020/13/45<'),
      principal: SENDER,
    },
    {
      name: 'bad base64 in an attachment',
      bytes: edit(plain, /(<edXML:ContentTransferEncoded[^>]*>)([A-Za-z0-9+/]{8})/, '$1!!!!$2'),
      principal: SENDER,
    },
    { name: 'truncated', bytes: plain.subarray(0, plain.length - 300), principal: SENDER },
    { name: 'garbage', bytes: Buffer.from('not xml at all'), principal: SENDER },
    { name: 'an empty body', bytes: Buffer.alloc(0), principal: SENDER },
    { name: 'larger than the inline threshold (streamed on both)', bytes: big, principal: SENDER },
  );
  return out;
}

describe('intake workers: the same outcome as the event loop', () => {
  let all: Case[];
  before(async () => {
    const a = await mkdtemp(join(tmpdir(), 'lt-intake-inline-'));
    const b = await mkdtemp(join(tmpdir(), 'lt-intake-workers-'));
    dirs = [a, b];
    const first = await createHub(configFor(a, 0), { logger });
    demo = await first.initDemo();
    await first.close();
    await cp(a, b, { recursive: true });
    inline = await createHub(configFor(a, 0), { logger });
    workers = await createHub(configFor(b, 2), { logger });
    all = await cases();
  });
  after(async () => {
    await inline?.close();
    await workers?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('every fixture, signed packages and bad input: same results, bytes, verdicts and errors', async () => {
    assert.equal(ctxOf(inline).intakeWorkers, undefined);
    const pool = ctxOf(workers).intakeWorkers;
    assert.ok(pool);
    let refused = 0;
    for (const c of all) {
      const expected = await outcome(inline, c);
      const actual = await outcome(workers, c);
      assert.deepEqual(actual, expected, c.name);
      if (!(expected as { ok: boolean }).ok) refused++;
    }
    assert.ok(refused >= 15, `bad input was refused (${refused})`);
    // every body up to the inline threshold went to a worker; the larger ones were streamed
    const held = all.filter((c) => c.bytes.length <= 256 * 1024).length;
    assert.ok(held >= 25 && held < all.length, `${held} of ${all.length}`);
    assert.equal(pool.analyzed, held);
  });
});
