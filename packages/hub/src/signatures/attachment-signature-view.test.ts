import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttachmentSignature } from '../core/contract.js';
import type { AttachmentInspectionRecord, AttachmentRecord } from '../store/store.js';
import { attachmentViews } from './attachment-signature-view.js';

const attachment = (index: number, sha256: string): AttachmentRecord => ({
  docId: 'd',
  index,
  name: `${index}.pdf`,
  size: 1,
  sha256,
  blobKey: sha256,
});
const signature = (over: Partial<AttachmentSignature>): AttachmentSignature => ({
  status: 'valid',
  coversWholeDocument: true,
  weak: false,
  reasons: [],
  signer: {
    subject: 'CN=Bộ Tài chính, UID=000.00.00.G09, C=VN',
    agencyCode: '000.00.00.G09',
    serialNumber: '1',
    fingerprint256: 'F',
  },
  ...over,
});
const inspected = (sha256: string, signatures: AttachmentSignature[]): AttachmentInspectionRecord => ({
  sha256,
  outcome: signatures.length > 0 ? 'signed' : 'unsigned',
  format: 'pdf',
  reasons: [],
  checkedAt: new Date(0),
  signatures,
});

test('pending until inspected, then the valid whole-file signers make the sentence', () => {
  const pending = attachmentViews([attachment(0, 'a'), attachment(1, 'b')], [inspected('a', [])]);
  assert.equal(pending.attachments[1]?.inspection?.state, 'pending');
  assert.equal(pending.summary.state, 'pending');

  const signed = attachmentViews(
    [attachment(0, 'a'), attachment(1, 'b')],
    [
      inspected('a', []),
      inspected('b', [signature({ coversWholeDocument: false, status: 'indeterminate' }), signature({})]),
    ],
  );
  assert.equal(signed.summary.state, 'signed');
  assert.deepEqual(signed.summary.signers, [
    { subject: 'CN=Bộ Tài chính, UID=000.00.00.G09, C=VN', agencyCode: '000.00.00.G09', attachmentIndex: 1 },
  ]);
  assert.equal(signed.summary.text, 'carries a valid digital signature by Bộ Tài chính (000.00.00.G09)');
});

test('signatures that are not valid, or do not cover the whole file, do not sign the document', () => {
  const v = attachmentViews(
    [attachment(0, 'a')],
    [inspected('a', [signature({ status: 'invalid' }), signature({ status: 'valid', coversWholeDocument: false })])],
  );
  assert.equal(v.summary.state, 'not-signed');
  assert.equal(
    v.summary.text,
    'carries no valid digital signature (2 signatures found, none valid over the whole file)',
  );
});
