import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agencyLevel, isWellFormedAgencyCode, parentAgencyCode, parseAgencyCode } from './agency-code.js';

test('codes are read right to left', () => {
  assert.deepEqual(parseAgencyCode('000.46.24.H44'), {
    code: '000.46.24.H44',
    group: 'H',
    groupNumber: 44,
    levels: ['H44', '24', '46', '000'],
    level: 3,
  });
  assert.equal(parseAgencyCode('000.00.00.G22')?.level, 1);
  assert.equal(parseAgencyCode('000.00.00.G22')?.group, 'G');
  assert.equal(parseAgencyCode('000.00.24.H44')?.level, 2);
  assert.equal(parseAgencyCode('012.46.24.H44')?.level, 4);
});

test('non-codes and legacy shapes are level 0', () => {
  assert.equal(agencyLevel('vxp.saas.03'), 0);
  assert.equal(agencyLevel('28.22.H17'), 0);
  assert.equal(agencyLevel('000.00.00.g22'), 0);
  assert.equal(agencyLevel(''), 0);
  assert.equal(isWellFormedAgencyCode('28.22.H17'), false);
  assert.equal(isWellFormedAgencyCode('000.00.11.H53'), true);
});

test('the parent zeroes the leftmost non-zero level', () => {
  assert.equal(parentAgencyCode('012.46.24.H44'), '000.46.24.H44');
  assert.equal(parentAgencyCode('000.46.24.H44'), '000.00.24.H44');
  assert.equal(parentAgencyCode('000.00.24.H44'), '000.00.00.H44');
  assert.equal(parentAgencyCode('000.00.00.H44'), undefined);
  assert.equal(parentAgencyCode('vxp.saas.03'), undefined);
});
