// Agency identifiers (mã định danh) of the shape `NNN.NN.NN.Xnn`, read right to left:
// level 1 = group letter + 2 digits, level 2 = 2 digits, level 3 = 2 digits, level 4 = 3 digits.
// `00`/`000` marks an unused level.

export interface AgencyCode {
  code: string;
  /** group letter of level 1: G ministries and government bodies, H provinces, others for Party, courts… */
  group: string;
  /** the two digits after the group letter */
  groupNumber: number;
  /** levels 1..4 as written: e.g. ['H44', '24', '46', '000'] for `000.46.24.H44` */
  levels: [string, string, string, string];
  /** deepest non-zero level, 1..4 */
  level: 1 | 2 | 3 | 4;
}

const SHAPE = /^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z])(\d{2})$/;

export function parseAgencyCode(code: string): AgencyCode | undefined {
  const m = SHAPE.exec(code);
  if (!m) return undefined;
  const [, l4, l3, l2, group, groupDigits] = m as unknown as [string, string, string, string, string, string];
  const levels: [string, string, string, string] = [group + groupDigits, l2, l3, l4];
  let level: 1 | 2 | 3 | 4 = 1;
  if (Number(l2) > 0) level = 2;
  if (Number(l3) > 0) level = 3;
  if (Number(l4) > 0) level = 4;
  return { code, group, groupNumber: Number(groupDigits), levels, level };
}

export function isWellFormedAgencyCode(code: string): boolean {
  return parseAgencyCode(code) !== undefined;
}

/** 1..4 for a well-formed code; 0 for non-code ids (`vxp.saas.03`) and legacy shapes (`28.22.H17`). */
export function agencyLevel(code: string): 0 | 1 | 2 | 3 | 4 {
  return parseAgencyCode(code)?.level ?? 0;
}

/** The code with its leftmost non-zero level zeroed; undefined at level 1 or for non-codes. */
export function parentAgencyCode(code: string): string | undefined {
  const parsed = parseAgencyCode(code);
  if (!parsed || parsed.level === 1) return undefined;
  const parts = code.split('.');
  // parts are written left to right: [l4, l3, l2, l1]; the leftmost non-zero one is the deepest level
  const index = parts.findIndex((p, i) => i < 3 && Number(p) > 0);
  parts[index] = '0'.repeat(parts[index]!.length);
  return parts.join('.');
}
