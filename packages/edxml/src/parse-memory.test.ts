import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { AttachmentSink } from './contract.js';
import { EDXML_NAMESPACE } from './model.js';
import { parseEdxml } from './parse.js';

const ATTACHMENT_MIB = 150;
const BLOCK = 48 * 1024;

const head = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="${EDXML_NAMESPACE}">
  <edXML:edXMLEnvelope xmlns:edXML="${EDXML_NAMESPACE}">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:From>
        <edXML:To><edXML:OrganId>000.00.00.H41</edXML:OrganId></edXML:To>
        <edXML:DocumentId>000.00.00.G22,2024/01/02,12/VPCP</edXML:DocumentId>
        <edXML:Subject>Big</edXML:Subject>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList><edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType></edXML:Bussiness></edXML:TraceHeaderList>
    </edXML:edXMLHeader>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded><Attachment><ContentId>cid:1</ContentId><AttachmentName>big.bin</AttachmentName>
    <edXML:ContentTransferEncoded xmlns:edXML="${EDXML_NAMESPACE}">`);
const tail = Buffer.from('</edXML:ContentTransferEncoded></Attachment></AttachmentEncoded>\n</edXML>\n');

test(`a ${ATTACHMENT_MIB} MiB attachment streams through in bounded memory`, async () => {
  const block = randomBytes(BLOCK);
  // base64 wrapped at 76 columns with CRLF, as many producers send it (a block is a whole number of lines' worth of quads)
  const encodedBlock = Buffer.from(`${block.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`, 'latin1');
  const blocks = (ATTACHMENT_MIB * 1024 * 1024) / BLOCK;
  const expected = createHash('sha256');
  for (let i = 0; i < blocks; i++) expected.update(block);
  const expectedSha = expected.digest('hex');

  async function* source(): AsyncIterable<Buffer> {
    yield head;
    // the same buffer every time: the parser must not keep references to input chunks
    for (let i = 0; i < blocks; i++) yield encodedBlock;
    yield tail;
  }

  let size = 0;
  let writes = 0;
  let peakRss = 0;
  const sink: AttachmentSink = {
    begin: () => ({
      write: (chunk) => {
        size += chunk.length;
        if (++writes % 64 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
      },
      end: () => 'counted',
      abort: () => {},
    }),
  };

  const baseline = process.memoryUsage().rss;
  const started = performance.now();
  const result = await parseEdxml(source(), { attachmentSink: sink });
  const seconds = (performance.now() - started) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const [attachment] = result.package.kind === 'document' ? result.package.attachments : [];
  assert.equal(size, ATTACHMENT_MIB * 1024 * 1024);
  assert.equal(attachment?.size, size);
  assert.equal(attachment?.sha256, expectedSha);
  const growthMiB = (peakRss - baseline) / (1024 * 1024);
  const mbps = result.bytesRead / (1024 * 1024) / seconds;
  console.log(
    `parsed ${(result.bytesRead / 1024 / 1024).toFixed(0)} MiB in ${seconds.toFixed(2)} s: ${mbps.toFixed(0)} MiB/s; rss growth ${growthMiB.toFixed(1)} MiB`,
  );
  assert.ok(growthMiB < 64, `rss grew by ${growthMiB.toFixed(1)} MiB`);
});
