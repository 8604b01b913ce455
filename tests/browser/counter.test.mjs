// A counter visit with the keyboard alone (issue 17): an officer signs in, goes from the work page
// to the visit form, registers the petitioner (a mistake named on its field, everything typed
// kept), and prints the receipt that names the officer with title and credential number (FED-4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, serverAndBrowser, setUp, seriousViolations, signIn, tabTo } from './harness.mjs';

const env = serverAndBrowser();

/** Presses Tab until a link with exactly this text has the focus. */
async function tabToLink(page, text) {
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    return el?.tagName === 'A' ? el.textContent.trim() : '';
  });
  for (let i = 0; i < 40 && (await focused()) !== text; i++) await page.keyboard.press('Tab');
  assert.equal(await focused(), text, `Tab reaches the link ${text}`);
}

test('a counter visit from the work page to the printed receipt, by keyboard', async () => {
  const admin = await env.browser.newPage();
  await setUp(admin, env.server);
  const password = 'a long enough password';
  cli(env.server, ['user', 'add', 'wang', '--unit', 'XS', '--role', 'officer', '--name', '王秀英', '--title', '接访员',
    '--credential', 'XS-001', '--password-stdin'], `${password}\n`);
  cli(env.server, ['unit', 'add', 'XS-CL', '--name', '西山社区残联', '--kind', 'federation', '--parent', 'XS']);
  cli(env.server, ['user', 'add', 'zhao', '--unit', 'XS-CL', '--role', 'handler', '--name', '赵维权']);
  const page = await signIn(env.browser, env.server, 'wang', password);

  // From the work page to the visit form by the menu.
  await tabToLink(page, '登记来访');
  await Promise.all([page.waitForURL(/\/cases\/new\?channel=visit$/), page.keyboard.press('Enter')]);
  assert.deepEqual(await seriousViolations(page), [], 'the registration form');
  // The received time is now, with the time of day (a counter visit is not at midnight).
  assert.match(await page.inputValue('#received_at'), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);

  await tabTo(page, 'name');
  await page.keyboard.type('赵桂芝');
  await tabTo(page, 'phone');
  await page.keyboard.type('13700001234');
  await tabTo(page, 'address');
  await page.keyboard.type('西山社区向阳街 3 号');
  await tabTo(page, 'category');
  await page.keyboard.type('民政与应急 / 社会救助 / 城镇低保');
  // Sent without the statement: the mistake is on its field, and nothing typed is lost.
  await tabTo(page, 'register');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.textContent('#content-err'), /请填写/);
  assert.equal(await page.inputValue('#name'), '赵桂芝');
  assert.equal(await page.inputValue('#address'), '西山社区向阳街 3 号');
  assert.equal(await page.inputValue('#category'), '民政与应急 / 社会救助 / 城镇低保');
  assert.deepEqual(await seriousViolations(page), [], 'the form with its mistake');

  await tabTo(page, 'content');
  await page.keyboard.type('低保金三个月未到账,请求查明原因。');
  await tabTo(page, 'register');
  await Promise.all([page.waitForURL(/\/cases\/\d+\/receipt$/), page.keyboard.press('Enter')]);

  // The receipt: number, query code, the first receiver by name, title and credential number.
  const receipt = await page.textContent('.receipt');
  assert.match(receipt, /XS-\d{4}-\d{6}/);
  const code = await page.textContent('.receipt tr:has(th:text-is("查询码")) td');
  assert.match(code, /^\d{4}-\d{4}$/, 'the query code');
  assert.match(receipt, /王秀英（接访员，工作证号 ?XS-001）/);
  assert.doesNotMatch(receipt, /wang/, 'no login on paper');
  assert.match(receipt, /\d{4}年\d{1,2}月\d{1,2}日/, 'dates written in Chinese');
  assert.deepEqual(await seriousViolations(page), [], 'the receipt');

  // Printed by keyboard: the print button opens the print dialog, and the paper holds the receipt
  // without the page's buttons.
  await page.evaluate(() => { window.print = () => { document.body.dataset.printed = 'yes'; }; });
  await tabTo(page, 'print');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.body.dataset.printed === 'yes');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('#print'), false, 'the buttons are not printed');
  assert.equal(await page.isVisible('.receipt'), true);
  await page.emulateMedia({ media: 'screen' });

  // 交办 from the case page: the people offered narrow to the unit chosen.
  await tabToLink(page, '返回信访件');
  await Promise.all([page.waitForURL(/\/cases\/\d+$/), page.keyboard.press('Enter')]);
  await tabTo(page, 'assign-summary');
  await page.keyboard.press('Enter');
  const people = () => page.$$eval('#act-assign-owner option',
    (options) => options.filter((o) => o.value && !o.hidden).map((o) => o.value));
  assert.ok((await people()).includes('wang'), 'before a unit is chosen, everyone in scope');
  await page.selectOption('#act-assign-unit', 'XS-CL');
  assert.deepEqual(await people(), ['zhao'], 'only the chosen unit\'s staff');
  assert.deepEqual(await seriousViolations(page), [], 'the case page with the 交办 form open');

  // The staff pages of the day, checked by axe: the list (with export and bulk), the work waiting,
  // the notifications, supervision.
  for (const path of ['/cases', '/cases?status=open&owner=me&waiting=redraft', '/notifications', '/dashboard']) {
    await page.goto(`${env.server.base}${path}`);
    assert.deepEqual(await seriousViolations(page), [], path);
  }
  await page.context().close();

  // The administrator disables an account from the staff list, by keyboard, after a question,
  // and finds the change on the audit log (issue 18).
  await admin.goto(`${env.server.base}/admin/users`);
  assert.deepEqual(await seriousViolations(admin), [], 'the staff list');
  await tabTo(admin, 'toggle-zhao');
  const asked = new Promise((resolve) => admin.once('dialog', (d) => { resolve(d.message()); d.accept(); }));
  await Promise.all([admin.waitForNavigation(), admin.keyboard.press('Enter')]);
  assert.match(await asked, /停用 赵维权/);
  assert.match(await admin.textContent('#people'), /赵维权[\s\S]*已停用/);
  await admin.goto(`${env.server.base}/admin/audit`);
  assert.match(await admin.textContent('#audit'), /停用账号/);
  assert.match(await admin.textContent('#audit'), /登录成功/);
  assert.deepEqual(await seriousViolations(admin), [], 'the audit log');

  // And renames a unit from the tree, by keyboard, after a question.
  await admin.goto(`${env.server.base}/admin/units`);
  assert.deepEqual(await seriousViolations(admin), [], 'the unit tree');
  await tabTo(admin, 'edit-XS-CL');
  await admin.keyboard.press('Enter');
  await tabTo(admin, 'name-XS-CL');
  await admin.keyboard.press('Control+A');
  await admin.keyboard.type('西山社区残疾人联合会');
  await tabTo(admin, 'rename-XS-CL');
  admin.once('dialog', (d) => d.accept());
  await Promise.all([admin.waitForNavigation(), admin.keyboard.press('Enter')]);
  assert.match(await admin.textContent('#units'), /└ 西山社区残疾人联合会/);
});
