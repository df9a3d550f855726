import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { chooseVia, type GlobalOptions, v1Client, vxpClient } from '../support/connection.js';
import { createOutput, formatBytes } from '../support/output.js';
import { parsePositiveInt } from '../support/parse-args.js';
import { progressBar } from '../support/progress-bar.js';

interface FetchOptions extends GlobalOptions {
  output?: string;
  attachment?: number;
}

export function registerFetch(program: Command): void {
  program
    .command('fetch')
    .description('download a package (or one decoded attachment with --attachment)')
    .argument('<docId>', 'the DocId')
    .option(
      '-o, --output <file>',
      'where to write it; "-" for standard output (default: <docId>.edxml, or the attachment\'s name)',
    )
    .option('--attachment <index>', 'download attachment number <index> (0-based, /v1)', parsePositiveInt)
    .option('--via <protocol>', 'v1 or vxp')
    .action(async (docId: string, _opts: FetchOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<FetchOptions>();
      const out = createOutput(Boolean(o.json) || o.output === '-');
      const via = chooseVia(o, o.attachment === undefined);
      const bar = progressBar('Downloading', out.json);
      try {
        let stream: Readable;
        let name: string | undefined;
        if (via === 'v1' && o.attachment !== undefined) {
          const a = await v1Client(o).attachment(docId, o.attachment, { onProgress: bar.onProgress });
          stream = a.stream;
          name = a.name?.replace(/[/\\]/g, '_');
        } else if (via === 'v1') {
          stream = await v1Client(o).download(docId, { onProgress: bar.onProgress });
        } else {
          stream = await vxpClient(o).client.downloadEdoc(docId, { onProgress: bar.onProgress });
        }
        const target = o.output ?? name ?? `${docId}.edxml`;
        const size = await writeTo(stream, target);
        bar.stop();
        if (target === '-') return;
        out.result(() => `Saved ${target} (${formatBytes(size)})`, { docId, path: target, size });
      } finally {
        bar.stop();
      }
    });
}

async function writeTo(stream: Readable, target: string): Promise<number> {
  let size = 0;
  stream.on('data', (c: Buffer) => {
    size += c.length;
  });
  if (target === '-') {
    await pipeline(stream, process.stdout, { end: false });
    return size;
  }
  const partial = `${target}.part`;
  try {
    await pipeline(stream, createWriteStream(partial));
    await rename(partial, target);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return size;
}
