/** The hub's signed receipt of an accepted package, as a response header of both submit routes (VXP, /v1). */
export const RECEIPT_HEADER = 'x-lienthong-receipt';
/** Where to fetch a receipt too large to travel as a header. */
export const RECEIPT_LOCATION_HEADER = 'x-lienthong-receipt-location';
/**
 * A receipt names every recipient, so a fan-out to hundreds makes it tens of KiB; common HTTP clients
 * (Node's default, many Java stacks) refuse response headers over 8–16 KiB in all. Above this size the
 * receipt goes by reference instead.
 */
export const MAX_RECEIPT_HEADER_BYTES = 8 * 1024;

export function receiptHeaders(docId: string, receipt: string): Record<string, string> {
  if (Buffer.byteLength(receipt) <= MAX_RECEIPT_HEADER_BYTES) return { [RECEIPT_HEADER]: receipt };
  return { [RECEIPT_LOCATION_HEADER]: `/v1/packages/${encodeURIComponent(docId)}/receipt` };
}
