import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderAttachments } from './render-attachment-signatures.js';

test('attachments show their inspection, signatures with signer and findings, then the document sentence', () => {
  const lines = renderAttachments({
    attachments: [
      {
        index: 0,
        name: 'quyet-dinh.zip',
        size: 2048,
        sha256: 'a'.repeat(64),
        inspection: { state: 'signed', format: 'zip', entryName: 'quyet-dinh.pdf', reasons: [] },
        signatures: [
          {
            status: 'valid',
            coversWholeDocument: true,
            weak: false,
            signer: {
              subject: 'CN=Văn phòng Chính phủ',
              agencyCode: '000.00.00.G22',
              serialNumber: '01',
              fingerprint256: 'AA',
            },
            reasons: [{ code: 'revocation-not-checked', message: 'no CRL', severity: 'note' }],
          },
          {
            status: 'invalid',
            coversWholeDocument: true,
            weak: false,
            reasons: [{ code: 'digest-mismatch', message: 'the signed bytes were altered', severity: 'error' }],
          },
        ],
      },
      {
        index: 1,
        name: 'phu-luc.docx',
        size: 10,
        sha256: 'b'.repeat(64),
        inspection: { state: 'pending', reasons: [] },
      },
    ],
    documentSignature: {
      state: 'signed',
      signers: [{ subject: 'CN=Văn phòng Chính phủ', agencyCode: '000.00.00.G22', attachmentIndex: 0 }],
      text: 'carries a valid digital signature by Văn phòng Chính phủ (000.00.00.G22)',
    },
  });
  assert.deepEqual(lines, [
    '  attachment 0: quyet-dinh.zip 2.0 KiB — ZIP of quyet-dinh.pdf, signed PDF',
    '    signature 1: valid — CN=Văn phòng Chính phủ [000.00.00.G22]',
    '    signature 2: invalid — no signer',
    '      error digest-mismatch: the signed bytes were altered',
    '  attachment 1: phu-luc.docx 10 B — signatures not checked yet',
    '  PDF signature: carries a valid digital signature by Văn phòng Chính phủ (000.00.00.G22)',
  ]);
});
