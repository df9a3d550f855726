// Child process of crash-safety.test: submits packages in a loop on a hub over <dataDir> and prints
// `ACCEPTED <docId> <sha256>` for every answered submission, until it is killed.

import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createHub } from '../core/create-hub.js';
import { as, body, documentPackage, testConfig } from '../core/hub-test-support.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crash-safety-child <dataDir>');
const hub = await createHub(testConfig(dataDir), { logger: pino({ level: 'silent' }) });
const sender = '000.00.00.G22';
process.stdout.write('READY\n');
for (;;) {
  const bytes = await documentPackage(sender, ['000.00.00.H41', '000.00.00.H53'], {
    attachments: [
      { attachmentName: 'a.bin', content: randomBytes(64 * 1024 + Math.floor(Math.random() * 256 * 1024)) },
      { attachmentName: 'b.txt', content: Buffer.from(`small ${Date.now()}`) },
    ],
  });
  const r = await hub.submit({ principal: as(sender), body: body(bytes, 32 * 1024), messageType: 'edoc' });
  process.stdout.write(`ACCEPTED ${r.docId} ${r.sha256}\n`);
}
