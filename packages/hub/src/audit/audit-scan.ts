// Reads the whole audit log in id order, a page at a time.

import type { AuditRecord, StoreOps } from '../store/store.js';

const PAGE = 2000;

export async function* scanAudit(store: Pick<StoreOps, 'listAudit'>, afterId = 0): AsyncGenerator<AuditRecord> {
  for (;;) {
    const page = await store.listAudit(afterId, PAGE);
    yield* page;
    if (page.length < PAGE) return;
    afterId = page[page.length - 1]!.id;
  }
}
