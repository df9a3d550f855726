import type { Agency, DeliveryState, InboxItem, SentItem } from '../../core/contract.js';
import { formatVxpDate } from './vxp-date.js';

export const STATE_DESCRIPTIONS: Record<DeliveryState, string> = {
  pending: 'Chờ nhận',
  processing: 'Đang nhận',
  done: 'Đã nhận',
  fail: 'Nhận lỗi',
  withdrawn: 'Đã thu hồi',
  forwarding: 'Đang chuyển tiếp',
};

/** One `getReceivedEdocList` row, keys in the order the SDKs print them. */
export function receivedRow(item: InboxItem): Record<string, unknown> {
  return {
    docId: item.docId,
    serviceType: 'eDoc',
    messageType: item.messageType,
    created_time: formatVxpDate(item.createdAt),
    updated_time: formatVxpDate(item.updatedAt),
    from: item.from,
    to: item.to,
    status: item.state,
    status_desc: item.stateDescription ?? STATE_DESCRIPTIONS[item.state],
  };
}

/** `getSentEdocList` rows: one per recipient of a sent package. */
export function sentRows(item: SentItem, sender: string): Array<Record<string, unknown>> {
  const notation = [item.codeNumber, item.codeNotation].filter(Boolean).join('/');
  return item.recipients.map((r) => ({
    serviceType: 'eDoc',
    senderDocId: item.docId,
    receiverDocId: item.docId,
    fromCode: sender,
    toCode: r.code,
    title: item.subject ?? '',
    notation,
    messageType: item.messageType,
    sentTime: formatVxpDate(item.sentAt),
    receivedTime: r.receivedAt ? formatVxpDate(r.receivedAt) : '',
    sendStatus: 'done',
    sendStatusDesc: 'Đã gửi lên trục',
    receiveStatus: r.state,
    receiveStatusDesc:
      (r.stateDescription ?? STATE_DESCRIPTIONS[r.state]) + (r.lastStatus ? ` (trạng thái ${r.lastStatus})` : ''),
  }));
}

export function agencyRow(a: Agency): Record<string, unknown> {
  return { id: a.code, pid: a.parentCode ?? '', code: a.code, name: a.name, mail: a.email ?? '', oldCode: '' };
}

export function agencyQd20Row(a: Agency): Record<string, unknown> {
  return { id: a.code, code: a.code, name: a.name, mail: a.email ?? '', code102: a.code };
}

export function synchronizeRow(a: Agency, centerCode: string): Record<string, unknown> {
  return {
    id: a.code,
    pid: a.parentCode ?? '',
    code: a.code,
    name: a.name,
    mail: a.email ?? '',
    version: a.version,
    centerCode,
    deleted: a.deleted,
    modifyDate: formatVxpDate(a.updatedAt),
    isAgency: !a.isTenant,
  };
}
