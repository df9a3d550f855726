import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunks, FIXTURES, readFixture } from './fixture-files.js';
import type { DocumentPackage, StatusPackage } from './model.js';
import { parseEdxml } from './parse.js';
import { isValid, validatePackage } from './validate.js';

const NOW = new Date('2024-06-01T00:00:00Z');

function documentPackage(): DocumentPackage {
  return {
    kind: 'document',
    header: {
      from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
      to: [{ organId: '000.00.00.H41' }],
      documentId: '000.00.00.G22,2024/05/30,12/VPCP-TTĐT',
      code: { codeNumber: '12', codeNotation: 'VPCP-TTĐT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: '2024/05/30' },
      documentType: { type: 1, typeName: 'Công văn' },
      subject: 'V/v thử nghiệm',
      signerInfo: {},
      otherInfo: { priority: 1, appendixes: [] },
      responseFor: [],
      toPlaces: [],
    },
    traces: [],
    business: { docType: 0 },
    manifest: [],
    attachments: [],
  };
}

function messages(pkg: DocumentPackage | StatusPackage) {
  return validatePackage(pkg, { now: NOW }).map((i) => `${i.severity} ${i.rule} ${i.message}`);
}

test('all three fixtures validate with zero errors (real production packages)', async () => {
  for (const name of FIXTURES) {
    const { package: pkg } = await parseEdxml(chunks(readFixture(name)));
    const issues = validatePackage(pkg);
    assert.deepEqual(
      issues.filter((i) => i.severity === 'error'),
      [],
      name,
    );
    assert.equal(isValid(issues), true);
    if (pkg.kind === 'document') {
      // Bussiness/DocumentId carries 2014/02/30: production drift, reported as a warning
      assert.ok(
        issues.some(
          (i) => i.severity === 'warning' && i.path === 'TraceHeaderList/Bussiness/DocumentId' && i.rule === 'date',
        ),
        name,
      );
    }
  }
});

test('a well-formed document has no issues', () => {
  assert.deepEqual(messages(documentPackage()), []);
});

test('required fields and lengths are errors naming the element and the rule', () => {
  const pkg = documentPackage();
  pkg.header.from.organId = '';
  pkg.header.to = [];
  pkg.header.code = { codeNumber: '12345678901234', codeNotation: '' };
  pkg.header.subject = 'x'.repeat(501);
  pkg.header.from.telephone = '0'.repeat(21);
  pkg.header.toPlaces = ['p'.repeat(151)];
  pkg.header.otherInfo.typerNotation = 'ABCDEFGHIJK';
  assert.deepEqual(messages(pkg), [
    'error required MessageHeader/From/OrganId: required',
    'error max-length MessageHeader/From/Telephone: longer than 20 characters (21)',
    'error required MessageHeader/To: at least one recipient is required',
    'error max-length MessageHeader/Code/CodeNumber: longer than 11 characters (14)',
    'error required MessageHeader/Code/CodeNotation: required',
    'error max-length MessageHeader/Subject: longer than 500 characters (501)',
    'error max-length MessageHeader/OtherInfo/TyperNotation: longer than 10 characters (11)',
    'error max-length MessageHeader/ToPlaces/Place[1]: longer than 150 characters (151)',
  ]);
});

test('duplicate recipients, priority range, dates', () => {
  const pkg = documentPackage();
  pkg.header.to = [{ organId: '000.00.00.H41' }, { organId: '000.00.00.H14' }, { organId: '000.00.00.H41' }];
  (pkg.header.otherInfo as { priority: number }).priority = 7;
  pkg.header.promulgationInfo.promulgationDate = '2024/06/02';
  pkg.header.dueDate = '2024/02/30';
  assert.deepEqual(messages(pkg), [
    'error duplicate MessageHeader/To[3]/OrganId: recipient 000.00.00.H41 already listed as To[1]',
    'error future-date MessageHeader/PromulgationInfo/PromulgationDate: 2024/06/02 is in the future (today is 2024/06/01 in Vietnam)',
    'warning date MessageHeader/DueDate: impossible date "2024/02/30" (no day 30 in month 2 of 2024)',
    'error enum MessageHeader/OtherInfo/Priority: must be 0..4, got 7',
  ]);
  // 2024-06-01T18:00Z is already June 2 in Vietnam
  assert.deepEqual(
    validatePackage(pkg, { now: new Date('2024-06-01T18:00:00Z') }).filter((i) => i.rule === 'future-date'),
    [],
  );
});

test('a malformed DocumentId is a warning, not an error', () => {
  const pkg = documentPackage();
  pkg.header.documentId = '12/VPCP';
  assert.deepEqual(messages(pkg), [
    'warning format MessageHeader/DocumentId: "12/VPCP" is not <OrganId>,<yyyy/MM/dd>,<number>/<notation>',
  ]);
});

test('business types: target id, update info, replacement list', () => {
  const pkg = documentPackage();
  pkg.business = { docType: 1 };
  assert.deepEqual(messages(pkg), [
    'error required TraceHeaderList/Bussiness/DocumentId: required for business type 1: the document being revoked',
  ]);
  pkg.business = { docType: 2, documentId: '000.00.00.G22,2024/05/01,1/VPCP' };
  assert.deepEqual(messages(pkg), [
    'warning consistency TraceHeaderList/Bussiness/BussinessDocumentInfo: an update (type 2) should say what changed',
  ]);
  pkg.business = { docType: 3, documentId: '000.00.00.G22,2024/05/01,1/VPCP' };
  assert.deepEqual(messages(pkg), [
    'warning consistency TraceHeaderList/Bussiness/ReplacementInfoList: a replacement (type 3) should list what it replaces',
  ]);
  pkg.business = { docType: 5 as 0 };
  assert.deepEqual(messages(pkg), ['error enum TraceHeaderList/Bussiness/BussinessDocType: must be 0..3, got 5']);
});

test('status packages: code, ResponseFor/DocumentId, timestamp', () => {
  const status: StatusPackage = {
    kind: 'status',
    from: { organId: '000.00.00.H41' },
    responseFor: { organId: '000.00.00.G22', documentId: '' },
    staffInfo: {},
    statusCode: '07' as '05',
    timestamp: '2024/13/01 10:00:00',
  };
  assert.deepEqual(messages(status), [
    'error required MessageHeader/ResponseFor/DocumentId: required',
    'error enum MessageHeader/StatusCode: unknown status code "07"',
    'error date MessageHeader/Timestamp: impossible date "2024/13/01 10:00:00" (no month 13)',
  ]);
});
