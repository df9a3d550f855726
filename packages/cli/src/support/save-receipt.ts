import { writeFile } from 'node:fs/promises';

/**
 * Keeps the hub's receipt of a sent package in `file` when one was asked for (`--receipt-out`).
 * Undefined when none was asked for or the hub sent none (a VXP hub other than Lienthong).
 */
export async function saveReceipt(file: string | undefined, receipt: string | undefined): Promise<string | undefined> {
  if (!receipt || !file) return undefined;
  await writeFile(file, `${receipt}\n`);
  return file;
}
