// The watched folder a local document system shares with the gateway, per tenant:
//   outbox/      the local system drops `*.edxml` here (write `x.edxml.tmp`, then rename to `x.edxml`)
//   sent/        what the hub accepted: the signed package and `<name>.json` (DocId, receipt)
//   failed/      what was refused: the package and `<name>.error.txt` saying why
//   inbox/       incoming documents: `<DocId>.edxml` and `<DocId>.json` (metadata, signature verdict)
//   statuses/    incoming status packages, the same way
//   quarantine/  incoming packages whose signature did not verify, under the `quarantine` policy

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

export const FOLDERS = ['outbox', 'sent', 'failed', 'inbox', 'statuses', 'quarantine'] as const;
export type FolderName = (typeof FOLDERS)[number];

export async function ensureFolders(root: string): Promise<void> {
  for (const f of FOLDERS) await mkdir(join(root, f), { recursive: true });
}

/** `<dir>/<name>`, or `<dir>/<stem>.<tag><ext>` when that name is taken already. */
export function freeName(dir: string, name: string, tag: string): string {
  const first = join(dir, name);
  if (!existsSync(first) && !existsSync(`${first}.json`) && !existsSync(`${first}.error.txt`)) return first;
  const ext = extname(name);
  return join(dir, `${name.slice(0, name.length - ext.length)}.${tag}${ext}`);
}
