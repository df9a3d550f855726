/** Where a command writes: machine-readable JSON only, or human text. */
export interface Output {
  json: boolean;
  /** the command's result: JSON in --json mode, else the human text */
  result(human: () => string, machine: unknown): void;
  /** a human note on stderr (silent in --json mode) */
  note(text: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(human, machine) {
      if (json) process.stdout.write(`${JSON.stringify(machine, null, 2)}\n`);
      else {
        const text = human();
        if (text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      }
    },
    note(text) {
      if (!json) process.stderr.write(`${text}\n`);
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** A local date-time `yyyy-MM-dd HH:mm:ss` for tables. */
export function formatDate(d: Date | string | undefined): string {
  if (d === undefined) return '';
  const date = typeof d === 'string' ? new Date(d) : d;
  if (Number.isNaN(date.getTime())) return String(d);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}
