// Column widths for terminal tables: Vietnamese text may arrive decomposed (base letter plus
// combining marks), which counts as several code points but occupies one column.

const COMBINING = /\p{Mn}|\p{Me}|\u200b|\u200c|\u200d|\ufe0f/gu;
const WIDE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text.normalize('NFC').replace(COMBINING, '')) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

/** Cut to at most `max` columns, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const nfc = text.normalize('NFC');
  if (displayWidth(nfc) <= max) return nfc;
  let out = '';
  let width = 0;
  for (const ch of nfc) {
    const w = displayWidth(ch);
    if (width + w > max - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
