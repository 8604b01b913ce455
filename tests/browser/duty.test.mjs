// 值班表 (issue 19): an administrator opens 值班 from the menu, sets a year-round rotation with the
// pickers, generates this month and sees who is on duty today, on the rota and on the registration
// form, then signs in at their post from the home page; axe checks each state of the pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, setUp, seriousViolations } from './harness.mjs';

const env = serverAndBrowser();

test('an administrator sets the duty pattern, generates the month and sees today\'s duty', async () => {
  const admin = await env.browser.newPage();
  await setUp(admin, env.server);
  await Promise.all([admin.waitForURL(/\/duty$/), admin.click('nav[aria-label=主导航] >> text=值班')]);
  assert.match(await admin.textContent('#today'), /未排班或休息日/);
  assert.match(await admin.textContent('#pattern-text'), /尚未设置值班方式/);
  assert.deepEqual(await seriousViolations(admin), [], 'the rota page before any pattern');

  // Generating without a pattern is refused, said at the form.
  admin.once('dialog', (dialog) => dialog.accept());
  await Promise.all([admin.waitForNavigation(), admin.click('#generate')]);
  assert.match(await admin.textContent('section[aria-labelledby=generate-h] ul.error'), /值班方式/);

  await admin.check('#kind-rotation');
  await admin.selectOption('#people-1', 'admin');
  await admin.check('#every-day');
  await Promise.all([admin.waitForURL(/done=pattern/), admin.click('#save-pattern')]);
  assert.match(await admin.textContent('#pattern-text'), /轮流值班\(每天[^)]*\):管理员/);
  admin.once('dialog', (dialog) => dialog.accept());
  await Promise.all([admin.waitForURL(/done=generate/), admin.click('#generate')]);
  assert.match(await admin.textContent('#today'), /管理员/);
  assert.match(await admin.textContent('#rota tr[aria-current=date]'), /管理员/);
  assert.deepEqual(await seriousViolations(admin), [], 'the rota page with its month');

  await admin.goto(`${env.server.base}/cases/new?channel=visit`);
  assert.match(await admin.textContent('#on-duty'), /今日值班:管理员/);

  // FED-8: on duty today, the administrator signs in from the home page.
  await admin.goto(`${env.server.base}/home`);
  assert.match(await admin.textContent('#my-duty'), /今日由您值班/);
  assert.deepEqual(await seriousViolations(admin), [], 'the home page with today\'s duty');
  await Promise.all([admin.waitForURL(/done=signed-in/), admin.click('#duty-sign-in')]);
  assert.match(await admin.textContent('#my-duty'), /已于 \d\d:\d\d 签到/);
  await admin.goto(`${env.server.base}/duty`);
  assert.match(await admin.textContent('#rota tr[aria-current=date]'), /到岗/);
});
