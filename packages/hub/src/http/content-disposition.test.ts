import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentDisposition } from './content-disposition.js';

test('keeps only the last path segment of a hostile name', () => {
  assert.equal(contentDisposition('../../etc/passwd'), `attachment; filename="passwd"; filename*=UTF-8''passwd`);
  assert.equal(contentDisposition('..\\..\\boot.ini'), `attachment; filename="boot.ini"; filename*=UTF-8''boot.ini`);
  assert.equal(contentDisposition('../..'), `attachment; filename="attachment"; filename*=UTF-8''attachment`);
  assert.equal(contentDisposition(undefined, 'file-1'), `attachment; filename="file-1"; filename*=UTF-8''file-1`);
});

test('drops quotes and control characters, transliterates Vietnamese for the ASCII fallback', () => {
  assert.equal(
    contentDisposition('Công văn "số 1"\r\n.pdf'),
    `attachment; filename="Cong van so 1.pdf"; filename*=UTF-8''${encodeURIComponent('Công văn số 1.pdf')}`,
  );
  assert.match(contentDisposition('Quyết định.docx'), /filename="Quyet dinh.docx"/);
});
