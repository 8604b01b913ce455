// Smoke test of the staff UI in headless Chromium: first-run setup, login, registering a visit
// through the form, the printable receipt, and finding the case in the list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, seriousViolations, setUp } from './harness.mjs';

const env = serverAndBrowser();

test('setup, log in, register a visit through the form, find it in the list', async () => {
  assert.ok(env.server.setupLink, 'an empty database prints a one-time setup link');
  const page = await env.browser.newPage();

  // First run: the setup link creates the unit and the first administrator, who is signed in.
  await setUp(page, env.server);

  // Administrators are warned while next year's holiday schedule is missing, and load it on a page
  // by choosing the year's file, in the format the shipped files have.
  await page.goto(`${env.server.base}/admin/calendar`);
  assert.match(await page.textContent('#years'), /2026/, 'the shipped years are listed');
  const year = { year: 2099, days: [{ name: '元旦', date: '2099-01-01', isOffDay: true }] };
  const file = (name, text) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.setInputFiles('#file', file('2099.json', JSON.stringify(year)));
  // Importing replaces a year already loaded and recounts every deadline: it asks first.
  const replacing = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.message()); d.accept(); }));
  await Promise.all([page.waitForNavigation(), page.click('#import-year')]);
  assert.match(await replacing, /替换/);
  assert.match(await page.textContent('[role=status].notice'), /已导入 2099 年安排/);
  assert.match(await page.textContent('#years'), /2099\s*1 天\s*0 天\s*元旦/);
  await page.setInputFiles('#file', file('notes.json', 'not json'));
  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForNavigation(), page.click('#import-year')]);
  assert.match(await page.textContent('#file-err'), /节假日文件/);
  assert.equal(await page.getAttribute('#file', 'aria-invalid'), 'true');
  assert.deepEqual(await seriousViolations(page), [], 'the calendar page with its refusal');

  // The link is single-use.
  const reuse = await page.goto(env.server.setupLink);
  assert.equal(reuse.status(), 404);

  // Log out and back in.
  await page.goto(`${env.server.base}/cases`);
  await page.click('.whoami button');
  await page.waitForURL('**/login');
  await page.fill('#username', 'admin');
  await page.fill('#password', 'wrong password!');
  await page.click('button[type=submit]');
  assert.match(await page.textContent('.error'), /用户名或密码不正确/);
  await page.fill('#username', 'admin');
  await page.fill('#password', 'correct horse battery');
  await page.click('button[type=submit]');
  // Signed in, staff land on their work (工作台).
  await page.waitForURL('**/home');
  assert.match(await page.textContent('h1'), /工作台/);
  assert.deepEqual(await seriousViolations(page), [], 'the home page');

  // A mistake is shown on its field and nothing is saved.
  await page.goto(`${env.server.base}/cases/new?channel=visit`);
  await page.fill('#name', '王秀英');
  await page.fill('#id_number', '110105194912310021');
  await page.fill('#category', '劳动和社会保障 / 劳动关系 / 拖欠农民工工资');
  await page.fill('#content', '工地拖欠工资三个月 <b>不是粗体</b>');
  await page.click('button.primary');
  assert.match(await page.textContent('#petitioner\\.id_number-err'), /校验位不正确/);

  // Corrected, it registers and the receipt shows the number and the query code.
  await page.fill('#id_number', '11010519491231002X');
  await page.fill('#phone', '13812345678');
  await page.click('button.primary');
  await page.waitForURL(/\/cases\/\d+\/receipt$/);
  const receipt = await page.textContent('.receipt');
  assert.match(receipt, /XS-\d{4}-000001/);
  assert.match(receipt, /\d{4}-\d{4}/, 'the query code is printed');

  // The list finds it, with the phone masked and the markup shown as text.
  await page.goto(`${env.server.base}/cases?q=${encodeURIComponent('拖欠工资')}`);
  assert.equal(await page.textContent('#total'), '1');
  const row = await page.textContent('table.list tbody tr');
  assert.match(row, /王秀英/);
  assert.match(row, /138\*\*\*\*5678/);
  assert.match(row, /<b>不是粗体<\/b>/);
  await page.click('table.list tbody tr a');
  await page.waitForURL(/\/cases\/\d+$/);
  assert.match(await page.textContent('.timeline'), /登记/);
  assert.match(await page.textContent('.deadlines'), /转送交办/);
  assert.match(await page.title(), /^XS-\d{4}-\d{6} · 回音信访系统$/);

  // A hand-off is recorded on the timeline (FED-1).
  const handoff = 'form[action$="/act/hand-off"]';
  await page.click('summary:has-text("移交(当场不能解决的")');
  await page.selectOption(`${handoff} select[name=to_user]`, 'admin');
  await page.fill(`${handoff} input[name=reason]`, '当场不能解决,交办公室处理');
  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForNavigation(), page.click(`${handoff} button`)]);
  await page.waitForFunction(() => document.querySelector('.timeline')?.textContent.includes('移交给'));
  assert.match(await page.textContent('.timeline'), /移交给 管理员（管理员）/, 'people by their names, not their logins');

  // A scanned letter is attached from the case page and listed with its kind.
  await page.setInputFiles('input[type=file]', { name: '来信扫描.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/attachments"] button')]);
  assert.match(await page.textContent('main'), /扫描件:来信扫描\.pdf/);

  // Accept it and draft the handling opinion from the case page.
  // An irreversible step asks first (GEN-3).
  const asked = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.message()); d.accept(); }));
  await page.click('text=受理(出具受理告知书)');
  assert.match(await asked, /确定受理吗/);
  await page.waitForURL(/\/cases\/\d+$/);
  assert.match(await page.textContent('h1 .status'), /办理中/);
  // The notice is listed with the case's documents: a print view and the PDF kept when it was issued.
  const notice = page.locator('table.documents tr', { hasText: '受理告知书' });
  const pdfHref = await notice.locator('a', { hasText: 'PDF' }).getAttribute('href');
  const pdf = await page.request.get(new URL(pdfHref, page.url()).href);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
  await notice.locator('a', { hasText: '打印' }).click();
  await page.waitForURL(/\/documents\/acceptance-notice\?by=\d+$/);
  assert.match(await page.textContent('article'), /信访事项受理告知书/);
  assert.match(await page.textContent('article'), /六十日内办结/);
  await page.goBack();
  assert.match(await page.textContent('.deadlines'), /出具处理意见/);
  const opinion = 'form[action$="/act/opinion"]';
  // Nothing is chosen for the officer: the outcome is picked deliberately.
  assert.equal(await page.inputValue(`${opinion} select[name=outcome]`), '');
  await page.selectOption(`${opinion} select[name=outcome]`, 'support');
  await page.fill(`${opinion} textarea[name=facts]`, '经调查,拖欠属实');
  await page.fill(`${opinion} textarea[name=basis]`, '《保障农民工工资支付条例》');
  await page.fill(`${opinion} textarea[name=text]`, '责成施工单位十日内支付');
  await page.click('text=提交审批');
  await page.waitForURL(/\/cases\/\d+$/);
  assert.match(await page.textContent('h1 .status'), /待审批/);
  assert.match(await page.textContent('.timeline'), /拟定处理意见/);
});
