// @lienthong/edxml: the edXML package format (QCVN 102:2016). Pure: streams in, values out.
export * from './model.js';
export * from './contract.js';
// Implementations (added by the edxml work): parser, builder, validator, status codes, agency codes, dates.
