// Status codes of status packages (gói tin trạng thái), QCVN 102:2016 as amended 2022.
import type { StatusCode } from './model.js';

export interface StatusCodeInfo {
  code: StatusCode;
  vi: string;
  en: string;
  /** 15/16: the recipient's answer to an update / recall / revoke request */
  recallAnswer: boolean;
}

export const STATUS_CODES: readonly StatusCodeInfo[] = [
  { code: '01', vi: 'Đã đến', en: 'Arrived (not yet handled by the clerk)', recallAnswer: false },
  { code: '02', vi: 'Từ chối tiếp nhận', en: 'Refused', recallAnswer: false },
  { code: '03', vi: 'Đã tiếp nhận', en: 'Accepted and registered', recallAnswer: false },
  { code: '04', vi: 'Phân công', en: 'Assigned to a handler', recallAnswer: false },
  { code: '05', vi: 'Đang xử lý', en: 'Being handled', recallAnswer: false },
  { code: '06', vi: 'Hoàn thành', en: 'Handling finished', recallAnswer: false },
  { code: '13', vi: 'Lấy lại / thu hồi', en: 'Recalled by the sender', recallAnswer: false },
  {
    code: '15',
    vi: 'Đồng ý cập nhật / lấy lại / thu hồi',
    en: 'Recipient agrees to the update / recall / revoke',
    recallAnswer: true,
  },
  {
    code: '16',
    vi: 'Từ chối cập nhật / lấy lại / thu hồi',
    en: 'Recipient refuses the update / recall / revoke',
    recallAnswer: true,
  },
];

const BY_CODE = new Map<string, StatusCodeInfo>(STATUS_CODES.map((s) => [s.code, s]));

export function isStatusCode(value: unknown): value is StatusCode {
  return typeof value === 'string' && BY_CODE.has(value);
}

export function statusCodeInfo(code: string): StatusCodeInfo | undefined {
  return BY_CODE.get(code);
}

/** True for 15 and 16, the business answers to a recall (13) or to an update/revoke. */
export function isRecallAnswer(code: string): boolean {
  return BY_CODE.get(code)?.recallAnswer === true;
}
