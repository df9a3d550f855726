// Runs the built `lienthong` executable as a child process against a real hub it serves itself.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { AGENCIES, cliHarness, RECIPIENT, SENDER } from './test-support/cli-harness.js';

const cli = cliHarness('lienthong-cli-test-', async (cli) => {
  await cli.addAgencies(join(cli.dir, 'hub'), AGENCIES);
  await cli.serve(join(cli.dir, 'hub'));
});
const { lienthong, as, vxp } = cli;

test('agency list shows what agency add registered', async () => {
  const r = await lienthong(['agency', 'list', '--data-dir', join(cli.dir, 'hub')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^CODE\s+LEVEL/);
  assert.match(r.stdout, /000\.00\.00\.G22 .*Văn phòng Chính phủ/);
});

test('send → inbox → fetch → ack → status → timeline, through the command line', async () => {
  const file = await cli.writePackage('công văn.edxml', {
    codeNumber: '42',
    codeNotation: 'UBND-VX',
    subject: 'Về việc kiểm thử dòng lệnh',
    attachments: [{ name: 'tờ trình.txt', content: Buffer.from('Tờ trình') }],
  });

  const sent = await lienthong(['send', file, '--json'], as(SENDER));
  assert.equal(sent.code, 0, sent.stderr);
  const { docId, recipients } = JSON.parse(sent.stdout) as { docId: string; recipients: string[] };
  assert.deepEqual(recipients, [RECIPIENT]);

  const inbox = await lienthong(['inbox', '--json'], as(RECIPIENT));
  assert.equal(inbox.code, 0, inbox.stderr);
  const items = (JSON.parse(inbox.stdout) as { items: Array<{ docId: string; subject: string }> }).items;
  assert.equal(items.find((i) => i.docId === docId)?.subject, 'Về việc kiểm thử dòng lệnh');
  const human = await lienthong(['inbox'], as(RECIPIENT));
  assert.match(human.stdout, /DOC ID\s+FROM\s+SỐ\/KÝ HIỆU/);
  assert.match(human.stdout, /42\/UBND-VX/);

  const out = join(cli.dir, 'fetched.edxml');
  const fetched = await lienthong(['fetch', docId, '-o', out, '--json'], as(RECIPIENT));
  assert.equal(fetched.code, 0, fetched.stderr);
  assert.equal(JSON.parse(fetched.stdout).size, (await stat(out)).size);
  assert.match(await readFile(out, 'utf8'), /Về việc kiểm thử dòng lệnh/);
  const att = await lienthong(['fetch', docId, '--attachment', '0', '-o', join(cli.dir, 'a.txt')], as(RECIPIENT));
  assert.equal(att.code, 0, att.stderr);
  assert.equal(await readFile(join(cli.dir, 'a.txt'), 'utf8'), 'Tờ trình');

  const ack = await lienthong(['ack', docId, '--json'], as(RECIPIENT));
  assert.equal(ack.code, 0, ack.stderr);
  assert.deepEqual(JSON.parse(ack.stdout), { docId, state: 'done' });
  const empty = await lienthong(['inbox', '--json'], as(RECIPIENT));
  assert.ok(!JSON.parse(empty.stdout).items.some((i: { docId: string }) => i.docId === docId));

  const status = await lienthong(
    ['status', docId, '03', '--description', 'Đã tiếp nhận', '--staff', 'Văn thư'],
    as(RECIPIENT),
  );
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /Sent status 03 \(đã tiếp nhận\)/);

  const statuses = await lienthong(['inbox', '--type', 'status', '--json'], as(SENDER));
  const st = JSON.parse(statuses.stdout).items as Array<{ statusCode: string; responseForDocId: string }>;
  assert.ok(st.some((s) => s.statusCode === '03' && s.responseForDocId === docId));

  const timeline = await lienthong(['timeline', docId, '--json'], as(SENDER));
  assert.equal(timeline.code, 0, timeline.stderr);
  const t = JSON.parse(timeline.stdout) as {
    recipients: Array<{ code: string; state: string; statuses: Array<{ statusCode: string }> }>;
  };
  const rec = t.recipients.find((r) => r.code === RECIPIENT);
  assert.equal(rec?.state, 'done');
  assert.deepEqual(
    rec?.statuses.map((s) => s.statusCode),
    ['03'],
  );
  const humanTimeline = await lienthong(['timeline', docId], as(SENDER));
  assert.match(humanTimeline.stdout, /000\.00\.00\.G22 — Văn phòng Chính phủ: done/);

  const sentList = await lienthong(['sent'], as(SENDER));
  assert.match(sentList.stdout, new RegExp(`${docId}.*000\\.00\\.00\\.G22 done/03`));
});

test('send and inbox over VXP with a system id and secret', async () => {
  const file = await cli.writePackage('vxp.edxml', { codeNumber: '43', codeNotation: 'UBND-VX', subject: 'Qua VXP' });
  const sent = await lienthong(['send', file, '--json'], vxp(SENDER));
  assert.equal(sent.code, 0, sent.stderr);
  const { docId } = JSON.parse(sent.stdout) as { docId: string };
  const inbox = await lienthong(['inbox', '--json'], vxp(RECIPIENT));
  assert.ok(JSON.parse(inbox.stdout).items.some((i: { docId: string }) => i.docId === docId));
  const ack = await lienthong(['ack', docId], vxp(RECIPIENT));
  assert.equal(ack.code, 0, ack.stderr);
});

test('exit code 1 with the code and message when the hub refuses', async () => {
  const r = await lienthong(['fetch', '000000000000000000000000'], as(RECIPIENT));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /404 not-found/);
  const j = await lienthong(['timeline', '000000000000000000000000', '--json'], as(RECIPIENT));
  assert.equal(j.code, 1);
  assert.equal(JSON.parse(j.stdout).error.code, 'not-found');
  const bad = await lienthong(['inbox'], { LIENTHONG_URL: cli.url, LIENTHONG_API_KEY: 'lt_x_y' });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unauthenticated/);
});

test('exit code 2 on usage errors', async () => {
  for (const args of [
    ['inbox', '--type', 'bogus'],
    ['status', 'abc', '99'],
    ['send', join(cli.dir, 'missing.edxml')],
    ['frobnicate'],
    ['agency', 'add', '000.00.00.G01'],
  ]) {
    const r = await lienthong(args, as(SENDER));
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.notEqual(r.stderr, '');
  }
  const noCreds = await lienthong(['inbox'], { LIENTHONG_URL: cli.url });
  assert.equal(noCreds.code, 2);
  assert.match(noCreds.stderr, /--api-key/);
});
