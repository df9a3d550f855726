// What a package does to the hub's state besides being stored: computed from reads only, so it can
// be worked out before the blobs are moved (to refuse early) and again inside the commit transaction.

import type { StatusCode } from '@lienthong/edxml';
import type { EventRecord, RelationKind } from '../store/store.js';

export interface RoutingPlan {
  /** who gets a delivery of the new package */
  recipients: string[];
  warnings: string[];
  /** for a status package: the document it reports on, when this hub knows it */
  responseForDocId?: string;
  /** copies of earlier documents to take back (state `withdrawn`) */
  withdrawals: Array<{ docId: string; recipient: string }>;
  /** a business status to record on an earlier document's delivery */
  statusUpdates: Array<{ docId: string; recipient: string; statusCode: StatusCode }>;
  /** links from the new package to earlier documents (the inverse link is added too) */
  relations: Array<{ docId: string; relation: Extract<RelationKind, 'revokes' | 'updates' | 'replaces'> }>;
  /** events on earlier documents and on the new one */
  events: EventRecord[];
}

export function emptyPlan(recipients: string[] = []): RoutingPlan {
  return { recipients, warnings: [], withdrawals: [], statusUpdates: [], relations: [], events: [] };
}

export const INVERSE_RELATION = {
  revokes: 'revoked-by',
  updates: 'updated-by',
  replaces: 'replaced-by',
} as const;
