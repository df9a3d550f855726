// Watches a tenant's outbox folder. The local system writes `x.edxml.tmp` (or any name not ending in .edxml)
// and renames it to `x.edxml` when complete; only `*.edxml` files are picked up. A file taken into the spool
// is removed from the outbox; one the gateway refuses goes to failed/ with `<name>.error.txt`.
// fs.watch only hastens the next scan: the periodic scan alone is enough (network file systems miss events).

import { type FSWatcher, watch } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { acceptOutgoing, Refusal, sha256OfFile } from '../outgoing/accept-outgoing.js';
import { failInFolder } from '../outgoing/sender-loop.js';
import { fsyncDir } from '../spool/durable-file.js';
import { newLocalId } from '../spool/spool.js';
import { Waker } from '../support/timing.js';
import { type TenantContext, tenantError } from '../tenant/tenant-context.js';

export async function runOutboxWatcher(t: TenantContext): Promise<void> {
  const folder = t.config.folder;
  if (!folder) return;
  const outbox = join(folder, 'outbox');
  const waker = new Waker();
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(outbox, () => waker.wake());
    watcher.on('error', () => undefined);
  } catch {
    // no change notifications here: the periodic scan does it
  }
  try {
    while (!t.signal.aborted) {
      try {
        await scanOutbox(t, folder, outbox);
      } catch (e) {
        tenantError(t, `outbox scan: ${(e as Error).message}`);
        t.logger.error({ err: e }, 'outbox scan failed');
      }
      await waker.wait(t.gateway.poll.folderIntervalMs, t.signal);
    }
  } finally {
    watcher?.close();
  }
}

async function scanOutbox(t: TenantContext, folder: string, outbox: string): Promise<void> {
  const entries = await readdir(outbox, { withFileTypes: true });
  const names = entries
    .filter((d) => d.isFile() && d.name.toLowerCase().endsWith('.edxml') && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  for (const name of names) {
    if (t.signal.aborted) return;
    await pickUp(t, folder, outbox, name);
  }
}

async function pickUp(t: TenantContext, folder: string, outbox: string, name: string): Promise<void> {
  const path = join(outbox, name);
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) return;
  const fail = async (reason: string) => {
    await failInFolder(folder, name, newLocalId(), reason, path);
    await rm(path, { force: true });
    await fsyncDir(outbox);
    t.metrics.inc('lienthong_gateway_packages_refused_total', { agency: t.config.agency });
    t.logger.warn({ file: name }, `outbox file refused: ${reason}`);
  };
  if (st.size > t.gateway.limits.maxBodyBytes) {
    await fail(`too-large: ${st.size} bytes, more than limits.maxBodyBytes (${t.gateway.limits.maxBodyBytes})`);
    return;
  }
  // taken into the spool already, and the gateway stopped before removing it from the outbox
  const { sha256 } = await sha256OfFile(path);
  if (t.spool.fromFolder(name, sha256)) {
    await rm(path, { force: true });
    await fsyncDir(outbox);
    return;
  }
  try {
    await acceptOutgoing(t, { file: path, origin: 'folder', sourceName: name });
  } catch (e) {
    if (e instanceof Refusal) {
      await fail(`${e.code}${e.path ? ` at ${e.path}` : ''}: ${e.message}`);
      return;
    }
    throw e;
  }
  await rm(path, { force: true });
  await fsyncDir(outbox);
}
