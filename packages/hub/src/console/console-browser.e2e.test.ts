// The web console in a real browser: Debian's Chromium driven by playwright-core against a real hub
// serving the built SPA (packages/console/dist, built by `npm test` first). Clerk A composes and sends a
// document with a PDF (after bad input is refused in place), clerk B sees it unread, opens it, previews the
// PDF, registers (03) … completes (06), and A sees each status arrive. Screenshots of the inbox and the
// document timeline go to docs/screenshots/. Operators' steps (the dashboard, the document search) are
// appended in the marked place below by the operators' pages.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { httpCall } from '../test-support/http-request.js';
import { sampleDocument } from '../test-support/sample-packages.js';
import { startTestHub, type TestHub } from '../test-support/start-test-hub.js';
import { defaultConsoleDir } from './serve-console.js';

const CHROMIUM = process.env.LIENTHONG_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));
const A = '000.00.11.H53';
const B = '000.00.00.H41';
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const missing = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium)`
  : !existsSync(`${defaultConsoleDir()}index.html`)
    ? 'the console is not built (npm run build -w @lienthong/console)'
    : undefined;

describe('web console in Chromium', { skip: missing && !process.env.CI ? missing : false }, () => {
  let hub: TestHub;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let docId = '';
  let pageA: Page;
  let pageB: Page;

  before(async () => {
    hub = await startTestHub({ console: { maxUploadBytes: 256 * 1024 } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Playwright gives every launch a fresh temporary profile (--user-data-dir)
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await hub?.stop();
  });

  /** a fresh browser context (its own cookies) at 1366×768, signed in as `username` */
  async function signInAs(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${hub.url}/`);
    await page.waitForURL(/\/dang-nhap/);
    const account = hub.demo.console!.find((a) => a.username === username)!;
    await page.getByLabel('Tên đăng nhập').fill(account.username);
    await page.getByLabel('Mật khẩu').fill(account.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/dang-nhap'));
    return page;
  }

  test('sign-in page: Vietnamese by default, a wrong password gets a message in place, keyboard reaches the form', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${hub.url}/van-ban-den`);
    await page.waitForURL(/\/dang-nhap\?tiep=/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    assert.match(await page.getByRole('alert').innerText(), /Vui lòng nhập tên đăng nhập/);
    await page.getByLabel('Tên đăng nhập').fill('kiemtoan');
    await page.getByLabel('Mật khẩu').fill('not-the-password');
    await page.keyboard.press('Enter');
    assert.match(await page.getByRole('alert').innerText(), /Sai tên đăng nhập hoặc mật khẩu/);
  });

  test('clerk A: bad input is refused in place; then composes and sends a document with a PDF', async () => {
    pageA = await signInAs(`vanthu.${A.toLowerCase()}`);
    assert.match(new URL(pageA.url()).pathname, /^\/van-ban-den/);
    // keyboard: the first Tab reaches the skip link
    await pageA.keyboard.press('Tab');
    assert.equal(await pageA.evaluate('document.activeElement && document.activeElement.className'), 'skip-link');

    await pageA.getByRole('link', { name: 'Soạn văn bản' }).click();
    await pageA.getByRole('button', { name: 'Ký số và gửi' }).click();
    for (const field of ['codeNumber', 'codeNotation', 'subject', 'signerName', 'recipients']) {
      assert.ok(await pageA.locator(`[data-field="${field}"]`).isVisible(), `an error in place for ${field}`);
    }
    assert.equal(await pageA.getByLabel('Trích yếu *').getAttribute('aria-invalid'), 'true');

    await pageA.getByLabel('Số *').fill('125');
    await pageA.getByLabel('Ký hiệu *').fill('STC-VP');
    await pageA.getByLabel('Trích yếu *').fill('Về việc báo cáo tình hình thu ngân sách quý IV');
    await pageA.getByLabel('Người ký *').fill('Nguyễn Văn Ký');
    await pageA.getByLabel('Chức vụ người ký').fill('Giám đốc');
    await pageA.getByLabel('Độ khẩn').selectOption('3');
    await pageA.getByLabel('Hạn xử lý').fill('2030-12-31');
    // an oversize file: refused before sending, with the file's name
    await pageA.getByLabel('Tệp đính kèm').setInputFiles({
      name: 'qua-lon.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.alloc(256 * 1024 + 1, 0x20),
    });
    // an unknown recipient typed by code: the hub refuses it, the message names it
    await pageA.getByLabel('Mã định danh cơ quan').fill('000.00.99.X99');
    await pageA.getByRole('button', { name: 'Thêm', exact: true }).click();
    await pageA.getByRole('button', { name: 'Ký số và gửi' }).click();
    assert.match(await pageA.locator('[data-field="attachments"]').innerText(), /qua-lon\.pdf/);
    await pageA
      .getByLabel('Tệp đính kèm')
      .setInputFiles({ name: 'bao-cao.pdf', mimeType: 'application/pdf', buffer: PDF });
    await pageA.getByRole('button', { name: 'Ký số và gửi' }).click();
    await pageA.locator('[data-field="recipients"]').waitFor();
    assert.match(await pageA.locator('[data-field="recipients"]').innerText(), /000\.00\.99\.X99/);
    await pageA.getByRole('button', { name: 'Bỏ 000.00.99.X99' }).click();

    // the recipient from the directory tree
    await pageA.locator(`.tree input[data-code="${B}"]`).check();
    await pageA.getByRole('button', { name: 'Ký số và gửi' }).click();
    await pageA.waitForURL(/\/van-ban\/[^?]+\?da-gui=1/);
    docId = decodeURIComponent(new URL(pageA.url()).pathname.split('/').pop()!);
    assert.match(await pageA.locator('p.success').innerText(), /Đã gửi văn bản 125\/STC-VP tới 1 nơi nhận/);
  });

  test('clerk B: the document is in the inbox, unread, with its badges; B opens it and previews the PDF', async () => {
    pageB = await signInAs(`vanthu.${B.toLowerCase()}`);
    const row = pageB.locator(`tr[data-doc="${docId}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('class'), 'unread');
    assert.match(await row.innerText(), /Hỏa tốc/);
    assert.match(await row.innerText(), /Hạn 31\/12\/2030/);
    assert.match(await row.innerText(), /Sở Tài chính tỉnh Tây Ninh/);
    await pageB.screenshot({ path: `${SCREENSHOTS}inbox.png` });

    await row.getByRole('link').click();
    await pageB.waitForURL(new RegExp(`/van-ban/${encodeURIComponent(docId)}`));
    assert.equal(await pageB.getByTestId('doc-number').innerText(), '125/STC-VP');
    assert.match(await pageB.locator('dl.meta').innerText(), /Nguyễn Văn Ký — Giám đốc/);
    await pageB.getByRole('button', { name: 'Xem trước bao-cao.pdf' }).click();
    const frame = pageB.locator('iframe.preview');
    assert.match((await frame.getAttribute('src')) ?? '', /attachments\/0\?inline=1$/);
    const pdf = await pageB.request.get(`${hub.url}${await frame.getAttribute('src')}`);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.deepEqual(await pdf.body(), PDF);
  });

  test('B registers (03) … completes (06); A sees each status arrive', async () => {
    // refusing without a reason is refused in place
    await pageB.locator('button[data-code="02"]').click();
    assert.match(await pageB.locator('#refuse-error').innerText(), /Vui lòng nhập lý do từ chối/);
    for (const [code, label] of [
      ['03', 'Tiếp nhận'],
      ['04', 'Phân công'],
      ['05', 'Đang xử lý'],
      ['06', 'Hoàn thành'],
    ] as const) {
      await pageB.locator(`fieldset.status-buttons button[data-code="${code}"]`).click();
      await pageB.getByText(`Đã gửi trạng thái "${label}".`).waitFor();
      await pageA.reload();
      await pageA.locator(`[data-testid="timeline"] li[data-status="${code}"]`).waitFor();
      assert.match(await pageA.locator(`[data-recipient="${B}"] h3`).innerText(), new RegExp(label));
    }
    await pageA.locator('[data-testid="timeline"]').screenshot({ path: `${SCREENSHOTS}document-timeline.png` });
    await pageA.screenshot({ path: `${SCREENSHOTS}document.png` });

    // the outbox shows B's last status; the English switch translates the page and is remembered
    await pageA.getByRole('link', { name: 'Văn bản đi' }).click();
    const sent = pageA.locator(`tr[data-doc="${docId}"] li[data-recipient="${B}"]`);
    assert.match(await sent.innerText(), /Hoàn thành/);
    await pageA.getByLabel('Ngôn ngữ').selectOption('en');
    await pageA.getByRole('heading', { name: 'Sent documents' }).waitFor();
    assert.match(await sent.innerText(), /Completed/);
    await pageA.reload();
    await pageA.getByRole('heading', { name: 'Sent documents' }).waitFor();
    assert.equal(await pageA.locator('html').getAttribute('lang'), 'en');
    await pageA.getByLabel('Language').selectOption('vi');
  });

  // ---- operator steps (the dashboard, finding the document by its number): append below ----

  test('operator: the dashboard figures change after a document is sent; the document is found by its number and traced', async () => {
    const op = await signInAs('quantri');
    await op.getByRole('link', { name: 'Tổng quan' }).click();
    const sent = op.locator('[data-testid="kpi-sent"] strong');
    await sent.waitFor();
    const before = Number((await sent.innerText()).replace(/\D/g, ''));
    assert.ok(before >= 1, "the clerk's document is counted");

    const doc = await sampleDocument({
      from: '000.00.00.G22',
      to: [B],
      subject: 'Về việc chuyển đổi số trong cơ quan nhà nước',
    });
    const res = await httpCall(`${hub.url}/v1/packages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hub.creds('000.00.00.G22').apiKey}`, 'content-type': 'application/xml' },
      body: doc.bytes,
    });
    assert.equal(res.status, 201, res.text());
    // the page polls every 5 s; the aggregator folds every 500 ms
    let now = before;
    for (let i = 0; i < 60 && now !== before + 1; i++) {
      await op.waitForTimeout(500);
      now = Number((await sent.innerText()).replace(/\D/g, ''));
    }
    assert.equal(now, before + 1, 'the tile counts the new document');
    await op.locator('figure.chart canvas').first().waitFor();
    await op.screenshot({ path: `${SCREENSHOTS}dashboard.png`, fullPage: true });

    await op.getByRole('link', { name: 'Tra cứu văn bản' }).click();
    await op.getByLabel('Số, ký hiệu hoặc trích yếu').fill(`${doc.codeNumber}/${doc.codeNotation}`);
    await op.keyboard.press('Enter');
    const row = op.locator(`tr[data-doc="${res.json().docId}"]`);
    await row.waitFor();
    await row.getByRole('link').click();
    assert.equal(await op.getByTestId('trace-number').innerText(), `${doc.codeNumber}/${doc.codeNotation}`);
    const timeline = op.locator(`[data-recipient="${B}"] ol.timeline`);
    assert.match(await timeline.innerText(), /Trục nhận văn bản/);
    await op.screenshot({ path: `${SCREENSHOTS}document-trace.png` });
  });
});
