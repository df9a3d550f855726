import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from './cli-error.js';
import { type HubDirOptions, loadHub, localConfig } from './hub-module.js';

/** PEM of the trust anchors: the files given, else the local hub's development CA root. */
export async function readAnchors(files: string[] | undefined, o: HubDirOptions): Promise<string[]> {
  if (files && files.length > 0) {
    for (const f of files) if (!existsSync(f)) throw new UsageError(`${f}: no such file`);
    return Promise.all(files.map((f) => readFile(f, 'utf8')));
  }
  const root = join(localConfig(await loadHub(), o).dataDir, 'pki', 'ca', 'root.pem');
  if (!existsSync(root))
    throw new UsageError(`no trust anchors: give --anchors ROOT.pem (no development CA at ${root})`);
  return [await readFile(root, 'utf8')];
}
