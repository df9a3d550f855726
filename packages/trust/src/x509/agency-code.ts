// Where the edXML agency code (mã định danh) lives in a certificate: the subject's UID attribute
// (0.9.2342.19200300.100.1.1), e.g. `UID=000.00.00.G22`. The development CA issues it there.
import type { X509Certificate } from 'node:crypto';
import { toPeculiar } from './certificate-input.js';

export const AGENCY_CODE_OID = '0.9.2342.19200300.100.1.1';

export function agencyCodeOf(cert: X509Certificate): string | undefined {
  return toPeculiar(cert).subjectName.getField(AGENCY_CODE_OID)[0];
}
