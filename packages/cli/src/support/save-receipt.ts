import { writeFile } from 'node:fs/promises';

/**
 * Keeps the hub's receipt of a sent package: in `file`, else `<DocId>.receipt.jws` in the current
 * directory. Undefined when the hub sent none (a VXP hub other than Lienthong).
 */
export async function saveReceipt(
  file: string | undefined,
  docId: string,
  receipt: string | undefined,
): Promise<string | undefined> {
  if (!receipt) return undefined;
  const path = file ?? `${docId.replace(/[^\w.-]/g, '_')}.receipt.jws`;
  await writeFile(path, `${receipt}\n`);
  return path;
}
