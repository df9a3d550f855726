// Response shapes of the VXP operations, as the production hub and the vendor SDK use them.

export type VxpMessageType = 'edoc' | 'status';
export type VxpAckStatus = 'done' | 'fail' | 'processing';

export interface VxpStatus {
  status: 'OK' | 'FAIL';
  ErrorCode: string;
  ErrorDesc: string;
}

export interface VxpSendResult extends VxpStatus {
  DocId: string;
  /** a Lienthong hub's signed receipt, from the `X-Lienthong-Receipt` header (other hubs send none) */
  receipt?: string;
  /** where to fetch a receipt too large for a header (`X-Lienthong-Receipt-Location`) */
  receiptLocation?: string;
}

export interface VxpReceivedItem {
  docId: string;
  serviceType: string;
  messageType: VxpMessageType;
  created_time: string;
  updated_time: string;
  from: string;
  to: string;
  status: string;
  status_desc: string;
}

export interface VxpSentItem {
  serviceType: string;
  senderDocId: string;
  receiverDocId: string;
  fromCode: string;
  toCode: string;
  title: string;
  notation: string;
  messageType: VxpMessageType;
  sentTime: string;
  receivedTime: string;
  sendStatus: string;
  sendStatusDesc: string;
  receiveStatus: string;
  receiveStatusDesc: string;
}

export interface VxpAgency {
  id: string | number;
  pid: string | number;
  code: string;
  name: string;
  mail: string;
  oldCode: string;
}

export interface VxpAgencyQD20 {
  id: string | number;
  code: string;
  name: string;
  mail: string;
  code102: string;
}

export interface VxpSyncUnit {
  id: string | number;
  pid: string | number;
  code: string;
  name: string;
  mail: string;
  version: number;
  centerCode: string;
  deleted: boolean;
  modifyDate: string;
  isAgency: boolean;
}

export interface VxpListResult<T> extends VxpStatus {
  data: T[];
}

export interface VxpCountResult extends VxpStatus {
  count: number;
}

export interface VxpRegisterAgencyInput {
  id?: string | number;
  pcode?: string;
  code: string;
  name: string;
  mail?: string;
  mobile?: string;
  fax?: string;
}

export interface VxpReceivedQuery {
  messageType?: VxpMessageType;
  /** filter by sender code */
  from?: string;
  fromDate?: Date;
  toDate?: Date;
  /** filter by transport status */
  status?: string;
  pageSize?: number;
  pageIndex?: number;
}

export interface VxpSentQuery {
  messageType?: VxpMessageType;
  docId?: string;
}
