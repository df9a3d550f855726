// The 32-byte master key that seals stored VXP secrets: from LIENTHONG_MASTER_KEY (base64), or
// <dataDir>/keys/master.key, created with mode 0600 on first start.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const fromEnv = env.LIENTHONG_MASTER_KEY;
  if (fromEnv) return decode(fromEnv, 'LIENTHONG_MASTER_KEY');
  const dir = join(dataDir, 'keys');
  const file = join(dir, 'master.key');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    return decode(await readFile(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  try {
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    // another process created it first: use theirs
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return decode(await readFile(file, 'utf8'), file);
    throw err;
  }
}

function decode(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${source}: the master key must be 32 bytes, base64-encoded`);
  return key;
}
