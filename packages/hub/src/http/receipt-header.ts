/** The hub's signed receipt of an accepted package, as a response header of both submit routes (VXP, /v1). */
export const RECEIPT_HEADER = 'x-lienthong-receipt';
