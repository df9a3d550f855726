import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayWidth, truncate } from './display-width.js';
import { renderTable } from './table.js';

test('Vietnamese text counts one column per letter, composed or decomposed', () => {
  const composed = 'Nghệ An';
  const decomposed = composed.normalize('NFD');
  assert.notEqual(decomposed.length, composed.length);
  assert.equal(displayWidth(composed), 7);
  assert.equal(displayWidth(decomposed), 7);
  assert.equal(truncate('Văn phòng Chính phủ', 10), 'Văn phòng…');
});

test('tables align columns by display width', () => {
  const rows = [
    { code: 'G22', name: 'Văn phòng Chính phủ'.normalize('NFD') },
    { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' },
  ];
  const out = renderTable(rows, [
    { header: 'NAME', value: (r) => r.name },
    { header: 'CODE', value: (r) => r.code },
  ]).split('\n');
  const codeColumn = out.map((line) => displayWidth(line.slice(0, line.search(/\S+$/))));
  assert.equal(new Set(codeColumn).size, 1, out.join('\n'));
});
