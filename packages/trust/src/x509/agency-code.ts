// Where the edXML agency code (mã định danh) lives in a certificate: the subject's UID attribute
// (0.9.2342.19200300.100.1.1), e.g. `UID=000.00.00.G22`. The development CA issues it there.
import type { X509Certificate } from 'node:crypto';
import { toPeculiar } from './certificate-input.js';

export const AGENCY_CODE_OID = '0.9.2342.19200300.100.1.1';

const CODES_LIMIT = 256;
const codes = new Map<string, string | undefined>();

/** Parsing the subject name costs more than the signature check; memoised per certificate. */
export function agencyCodeOf(cert: X509Certificate): string | undefined {
  const key = cert.fingerprint256;
  if (codes.has(key)) return codes.get(key);
  const code = toPeculiar(cert).subjectName.getField(AGENCY_CODE_OID)[0];
  if (codes.size >= CODES_LIMIT) codes.delete(codes.keys().next().value!);
  codes.set(key, code);
  return code;
}
