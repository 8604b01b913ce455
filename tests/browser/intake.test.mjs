// The intake check in headless Chromium (issue 5, FED-11): as the receiver types the petitioner's
// phone and statement into the registration form, the form shows the earlier case and warns of a
// repeat; registering records the flag; the list highlights the words searched for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, setUp } from './harness.mjs';

const env = serverAndBrowser();

const WAGES = '在西山社区工地务工三个月,包工头拖欠工资共计一万二千元,多次讨要未果。';
const AGAIN = '再次反映:我在西山社区工地干了三个月,包工头至今拖欠工资一万二千元,多次讨要仍未果。';

async function fillVisit(page, content) {
  await page.goto(`${env.server.base}/cases/new?channel=visit`);
  await page.fill('#name', '王秀英');
  await page.fill('#phone', '13812345678');
  await page.fill('#category', '劳动和社会保障 / 劳动关系 / 拖欠农民工工资');
  await page.fill('#content', content);
}

test('the form shows the petitioner\'s history and a repeat as the receiver types', async () => {
  const page = await env.browser.newPage();
  await setUp(page, env.server);

  // A first visit: nothing earlier to show.
  await fillVisit(page, WAGES);
  await page.waitForFunction(() => document.querySelector('#intake')?.textContent.includes('以往的信访件(0)'));
  await page.click('button.primary');
  await page.waitForURL(/\/cases\/\d+\/receipt$/);
  const first = (await page.textContent('.receipt')).match(/XS-\d{4}-\d{6}/)[0];

  // The same person again: the phone alone brings up the earlier case …
  await page.goto(`${env.server.base}/cases/new?channel=visit`);
  await page.fill('#phone', '138 1234 5678');
  await page.waitForFunction((n) => document.querySelector('#intake table')?.textContent.includes(n), first);
  // … and the restated matter is a repeat, before anything is saved.
  await page.fill('#name', '王秀英');
  await page.fill('#category', '劳动和社会保障 / 劳动关系 / 拖欠农民工工资');
  await page.fill('#content', AGAIN);
  await page.waitForFunction(() => document.querySelector('#intake')?.textContent.includes('重复访'));
  assert.match(await page.textContent('#intake .warning'), new RegExp(first));
  assert.equal(await page.getAttribute('#intake', 'aria-live'), 'polite', 'screen readers hear the warning');

  // Registering records the flag, linked to the earlier case.
  await page.click('button.primary');
  await page.waitForURL(/\/cases\/\d+\/receipt$/);
  const receiptUrl = page.url();
  await page.goto(receiptUrl.replace(/\/receipt$/, ''));
  assert.match(await page.textContent('main dl'), /重复信访/);
  assert.match(await page.textContent('.timeline'), new RegExp(`研判提示.*${first}`));

  // A wrong flag is cleared from the case page with a reason.
  const clear = 'form[action$="/act/clear-flag"]';
  await page.click('summary:has-text("撤销研判提示")');
  assert.equal(await page.inputValue(`${clear} select[name=flag]`), 'repeat', 'the flag set is the one offered');
  await page.fill(`${clear} input[name=reason]`, '核实为新的欠薪事项');
  await Promise.all([page.waitForNavigation(), page.click(`${clear} button`)]);
  assert.doesNotMatch(await page.textContent('main dl'), /重复信访/);
  assert.match(await page.textContent('.timeline'), /撤销重复信访:核实为新的欠薪事项/);

  // The list finds both by a word of the statement and marks it.
  await page.goto(`${env.server.base}/cases?q=${encodeURIComponent('包工头')}`);
  assert.equal(await page.textContent('#total'), '2');
  assert.equal(await page.textContent('table.list tbody tr mark'), '包工头');
});
