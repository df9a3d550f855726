/** The hub answered `status: FAIL` (or something that is not a VXP answer at all). */
export class VxpError extends Error {
  readonly errorCode: string;
  readonly errorDesc: string;
  /** HTTP status of the answer */
  readonly httpStatus: number;
  /** the operation, e.g. `sendEdoc` */
  readonly operation: string;
  constructor(operation: string, errorCode: string, errorDesc: string, httpStatus: number) {
    super(`${operation}: ${errorCode} ${errorDesc}`.trim());
    this.name = 'VxpError';
    this.operation = operation;
    this.errorCode = errorCode;
    this.errorDesc = errorDesc;
    this.httpStatus = httpStatus;
  }
}
