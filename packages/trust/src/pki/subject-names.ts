// Subject names of the development PKI. The agency code goes in UID (see x509/agency-code.ts).

import { AGENCY_CODE_OID } from '../x509/agency-code.js';
import type { x509 } from '../x509/peculiar.js';

type JsonName = x509.JsonNameParams;

export const DEVELOPMENT_MARK = 'DEVELOPMENT ONLY - not the government CA';

export function rootCaName(): JsonName {
  return [
    { C: ['VN'] },
    { O: ['Ban Cơ yếu Chính phủ (Lienthong development stand-in)'] },
    { OU: [DEVELOPMENT_MARK] },
    { CN: ['Lienthong Development Root CA'] },
  ];
}

export function intermediateCaName(): JsonName {
  return [
    { C: ['VN'] },
    { O: ['Ban Cơ yếu Chính phủ (Lienthong development stand-in)'] },
    { OU: [DEVELOPMENT_MARK] },
    { CN: ['Lienthong Development Signing CA'] },
  ];
}

// Values given as objects are taken literally (plain strings would be read as RFC 2253 text).
export function agencyName(agencyCode: string, name: string): JsonName {
  return [
    { C: [{ printableString: 'VN' }] },
    { O: [{ utf8String: name }] },
    { [AGENCY_CODE_OID]: [{ utf8String: agencyCode }] },
    { CN: [{ utf8String: name }] },
  ];
}

export function hubName(name: string): JsonName {
  return [{ C: ['VN'] }, { O: ['Lienthong hub'] }, { OU: [DEVELOPMENT_MARK] }, { CN: [{ utf8String: name }] }];
}
