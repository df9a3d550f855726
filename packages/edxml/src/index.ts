// @lienthong/edxml: the edXML package format (QCVN 102:2016). Pure: streams in, values out.

export {
  type AgencyCode,
  agencyLevel,
  isWellFormedAgencyCode,
  parentAgencyCode,
  parseAgencyCode,
} from './agency-code.js';
export { Base64Decoder, Base64Error } from './base64-decoder.js';
export { buildDocument, buildStatus, collect, escapeXml } from './build.js';
export * from './contract.js';
export {
  type DateForm,
  type DateParts,
  formatDate,
  formatDateParts,
  formatTimestamp,
  formatTimestampParts,
  isCalendarDate,
  type LenientDateResult,
  type NormalizedDate,
  normalizeDate,
  normalizeTimestamp,
  parseLenientDate,
  toInstant,
  vietnamParts,
} from './dates.js';
export * from './model.js';
export { DEFAULT_PARSE_LIMITS, parseEdxml } from './parse.js';
export { isRecallAnswer, isStatusCode, STATUS_CODES, type StatusCodeInfo, statusCodeInfo } from './status-codes.js';
export { isValid, validatePackage } from './validate.js';
export {
  type XmlAttribute,
  type XmlEvent,
  type XmlMarkupToken,
  type XmlName,
  type XmlToken,
  XmlTokenizer,
  type XmlTokenizerOptions,
} from './xml-tokenizer.js';
