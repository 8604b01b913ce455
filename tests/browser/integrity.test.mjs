// 业务培训, 拒收礼品登记 and 投诉 (issue 19: FED-14, SCH-8, FED-12): an administrator opens 培训 from
// the menu, records a session by ticking an officer, and sees it in the year's sessions; opens
// 拒收礼品, records a refused banquet with the kind picked, and sees it in the register with the
// year's summary; opens 投诉 and records a complaint against the officer taken by phone. axe checks
// each page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, setUp, seriousViolations, cli } from './harness.mjs';

const env = serverAndBrowser();

test('training is recorded with its attendees ticked, a refused gift registered and a complaint taken', async () => {
  const admin = await env.browser.newPage();
  await setUp(admin, env.server);
  cli(env.server, ['user', 'add', 'liu', '--unit', 'XS', '--role', 'officer', '--name', '刘明']);

  await Promise.all([admin.waitForURL(/\/training$/), admin.click('nav[aria-label=主导航] >> text=培训')]);
  assert.match(await admin.textContent('#standing'), /刘明/);
  assert.deepEqual(await seriousViolations(admin), [], 'the training page');
  await admin.fill('#topic', '《信访工作条例》解读');
  await admin.fill('#hours', '2.5');
  await admin.fill('#trainer', '县信访局李科长');
  await admin.check('input[name=attendees][value=liu]');
  await Promise.all([admin.waitForURL(/done=record/), admin.click('#record-training-submit')]);
  assert.match(await admin.textContent('#sessions'), /信访工作条例[\s\S]*2\.5[\s\S]*刘明/);
  assert.match(await admin.textContent('#standing'), /正常/);
  assert.deepEqual(await seriousViolations(admin), [], 'the training page with a session');

  await Promise.all([admin.waitForURL(/\/gifts$/), admin.click('nav[aria-label=主导航] >> text=拒收礼品')]);
  assert.deepEqual(await seriousViolations(admin), [], 'the gifts page');
  await admin.selectOption('#kind', 'banquet');
  await admin.fill('#offered_by', '信访人亲属');
  await admin.fill('#what', '请到饭店吃饭');
  await admin.fill('#value_yuan', '600');
  await admin.fill('#handling', '当场谢绝');
  await Promise.all([admin.waitForURL(/done=record/), admin.click('#record-gift-submit')]);
  assert.match(await admin.textContent('#gifts'), /宴请[\s\S]*信访人亲属[\s\S]*请到饭店吃饭[\s\S]*600/);
  assert.match(await admin.textContent('#gift-summary'), /宴请\s*1\s*600/);
  assert.deepEqual(await seriousViolations(admin), [], 'the gifts page with a line');

  // FED-12: a complaint against the officer, taken by phone, is listed for the one who took it.
  await Promise.all([admin.waitForURL(/\/complaints$/), admin.click('nav[aria-label=主导航] >> text=投诉')]);
  assert.deepEqual(await seriousViolations(admin), [], 'the complaints page');
  await admin.selectOption('#staff', 'liu');
  await admin.selectOption('#kind', 'rudeness');
  await admin.selectOption('#source', 'phone');
  await admin.fill('#account', '接待时态度生硬');
  // The slip for the complainant: the number, and the query code shown once.
  await Promise.all([admin.waitForURL(/\/complaints\/\d+\/slip$/), admin.click('#record-complaint-submit')]);
  assert.match(await admin.textContent('#complaint-slip'), /投诉登记回执[\s\S]*TS\d{4}-\d{6}[\s\S]*\d{4}-\d{4}/);
  assert.deepEqual(await seriousViolations(admin), [], 'the complaint slip');
  await admin.reload();
  assert.doesNotMatch(await admin.textContent('#slip-code'), /\d{4}-\d{4}/, 'the code is not shown again');
  await Promise.all([admin.waitForURL(/\/complaints$/), admin.click('text=返回投诉登记')]);
  assert.match(await admin.textContent('#complaints'), /刘明[\s\S]*态度粗暴[\s\S]*接待时态度生硬[\s\S]*匿名/);
  assert.deepEqual(await seriousViolations(admin), [], 'the complaints page with a line');
});
