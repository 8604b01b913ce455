// The public lookup page in headless Chromium (issue 6, GEN-11): a petitioner finds their case with
// the keyboard alone, and axe-core finds no serious or critical accessibility violation on the page,
// empty, answered, or refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, setUp, seriousViolations, tabTo } from './harness.mjs';

const env = serverAndBrowser();

test('a petitioner looks the case up with the keyboard alone, on an accessible page', async () => {
  // Staff register a visit and read the receipt's number and code.
  const staff = await env.browser.newPage();
  await setUp(staff, env.server);
  await staff.goto(`${env.server.base}/cases/new?channel=visit`);
  await staff.fill('#name', '王秀英');
  await staff.fill('#phone', '13812345678');
  await staff.fill('#category', '劳动和社会保障 / 劳动关系 / 拖欠农民工工资');
  await staff.fill('#content', '在西山社区工地务工三个月,包工头拖欠工资共计一万二千元。');
  await staff.click('button.primary');
  await staff.waitForURL(/\/cases\/\d+\/receipt$/);
  const receipt = await staff.textContent('.receipt');
  const number = receipt.match(/XS-\d{4}-\d{6}/)[0];
  const code = receipt.match(/查询码\s*(\d{4}-\d{4})/)[1];

  // The petitioner, without an account, in another browser context.
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.server.base}/public/lookup`);
  assert.deepEqual(await seriousViolations(page), [], 'the empty form');

  // Keyboard only: Tab to each field, type, Enter to send.
  await tabTo(page, 'case_number');
  await page.keyboard.type(number);
  await tabTo(page, 'query_code');
  await page.keyboard.type(code);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.textContent('#result'), new RegExp(`${number}:已登记`));
  assert.match(await page.textContent('main ol'), /登记/);
  assert.doesNotMatch(await page.textContent('main'), /王秀英|13812345678/, 'no personal data');
  assert.doesNotMatch(page.url(), new RegExp(code), 'the code is not in the address');
  assert.deepEqual(await seriousViolations(page), [], 'the answer');

  // A wrong code: the same refusal for any failure, announced.
  await page.fill('#case_number', number);
  await page.fill('#query_code', '0000-0000');
  await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
  assert.match(await page.textContent('[role=alert]'), /没有找到该信访件/);
  assert.deepEqual(await seriousViolations(page), [], 'the refusal');
  await context.close();
});
