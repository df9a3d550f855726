import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { javaSdkTimestamp } from '../../test-support/vxp-test-client.js';
import { formatVxpDate, parseVxpDate } from './vxp-date.js';
import { formatVxpTimestamp, parseVxpTimestamp } from './vxp-timestamp.js';

describe("VXP timestamp (ddMMyyyy'T'HHmmss+SSSS, Vietnam time)", () => {
  test('formats in UTC+7 with four millisecond digits', () => {
    assert.equal(formatVxpTimestamp(new Date('2025-11-21T10:30:45.042Z')), '21112025T173045+0042');
    assert.equal(formatVxpTimestamp(new Date('2025-12-31T17:00:00.999Z')), '01012026T000000+0999', 'rolls the date');
  });

  test('parses what it formats and what the Java SDK sends', () => {
    const at = new Date('2024-02-29T23:59:59.123Z');
    assert.equal(parseVxpTimestamp(formatVxpTimestamp(at))?.toISOString(), at.toISOString());
    assert.equal(parseVxpTimestamp(javaSdkTimestamp(at))?.toISOString(), at.toISOString());
    assert.equal(parseVxpTimestamp('01012020T070000+0000')?.toISOString(), '2020-01-01T00:00:00.000Z');
    assert.equal(parseVxpTimestamp('01012020T070000+5')?.toISOString(), '2020-01-01T00:00:00.005Z', 'short millis');
    assert.equal(parseVxpTimestamp('01012020T070000')?.toISOString(), '2020-01-01T00:00:00.000Z', 'no millis');
  });

  for (const bad of [
    '',
    '2020-01-01T00:00:00Z',
    '32012020T000000+0000',
    '29022023T000000+0000',
    '01012020T250000+0000',
    '01012020T000000+1000',
    '01012020T000000+00000',
  ]) {
    test(`refuses ${JSON.stringify(bad)}`, () => assert.equal(parseVxpTimestamp(bad), undefined));
  }
});

describe('VXP list dates (dd/MM/yyyy HH:mm:ss, Vietnam time)', () => {
  test('formats and parses', () => {
    assert.equal(formatVxpDate(new Date('2025-01-05T18:04:05Z')), '06/01/2025 01:04:05');
    assert.equal(parseVxpDate('06/01/2025 01:04:05')?.toISOString(), '2025-01-05T18:04:05.000Z');
    assert.equal(parseVxpDate('6/1/2025')?.toISOString(), '2025-01-05T17:00:00.000Z');
    assert.equal(parseVxpDate('45/13/2020 00:00:00'), undefined);
    assert.equal(parseVxpDate('2020/10/30'), undefined);
  });
});
