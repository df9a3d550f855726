import { displayWidth, padEnd, truncate } from './display-width.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | undefined | null;
  /** widest the column may get before its values are cut (default 60) */
  max?: number;
}

/** A plain-text table with a header row, columns padded by display width. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) =>
    columns.map((c) => {
      const v = c.value(row);
      const s = v === undefined || v === null ? '' : String(v).replace(/\s+/g, ' ');
      return truncate(s, c.max ?? 60);
    }),
  );
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i] ?? ''))));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (i === values.length - 1 ? v : padEnd(v, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}
