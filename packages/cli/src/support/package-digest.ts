import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * SHA-256 of a package file as a hub computes it: of the whole file, and of the file from its first
 * `<` (the hub hashes the package from the start of the XML, skipping a BOM or a multipart preamble).
 */
export async function packageDigests(file: string): Promise<{ whole: string; fromXml: string; size: number }> {
  const whole = createHash('sha256');
  const fromXml = createHash('sha256');
  let started = false;
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    size += chunk.length;
    whole.update(chunk);
    if (!started) {
      const at = chunk.indexOf(0x3c);
      if (at < 0) continue;
      started = true;
      fromXml.update(chunk.subarray(at));
    } else fromXml.update(chunk);
  }
  return { whole: whole.digest('hex'), fromXml: fromXml.digest('hex'), size };
}
