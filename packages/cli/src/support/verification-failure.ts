/** A check that came out negative: exit code 1, with a machine-readable code and the verdict. */
export function verificationFailure(code: string, message: string, details: unknown): Error {
  return Object.assign(new Error(message), { code, details });
}
