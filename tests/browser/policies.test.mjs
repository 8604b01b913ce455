// 政策法规库 (FED-9): a receptionist finds the article an answer rests on, then picks it in the
// opinion form by typing a word of it; the case's timeline names it as the opinion's basis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, seriousViolations, setUp } from './harness.mjs';

const env = serverAndBrowser();

test('an opinion cites the article found in the policy library', async () => {
  const page = await env.browser.newPage();
  await setUp(page, env.server);

  await page.click('nav >> text=政策法规');
  await page.fill('#q', '复查 期限');
  await Promise.all([page.waitForURL(/\/policies\?q=/), page.press('#q', 'Enter')]);
  assert.match(await page.textContent('#hits'), /《信访工作条例》第三十六条/);
  assert.equal(await page.locator('#hits mark').first().textContent(), '复查');
  assert.deepEqual(await seriousViolations(page), [], 'the policy library');

  // A visit registered and accepted, then its opinion drafted.
  await page.goto(`${env.server.base}/cases/new?channel=visit`);
  await page.fill('#name', '张三');
  await page.fill('#category', '劳动和社会保障 / 劳动关系 / 拖欠农民工工资');
  await page.fill('#content', '工地拖欠工资三个月。');
  await page.click('button.primary');
  await page.waitForURL(/\/cases\/\d+\/receipt$/);
  const id = page.url().match(/\/cases\/(\d+)\/receipt$/)[1];
  await page.goto(`${env.server.base}/cases/${id}`);
  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/act/accept"] button')]);
  await page.goto(`${env.server.base}/cases/${id}`);
  await page.$eval('#opinion-summary', (s) => { s.parentElement.open = true; });
  await page.selectOption('#act-opinion-outcome', 'support');
  await page.fill('#act-opinion-facts', '经调查,拖欠属实。');
  await page.fill('#act-opinion-basis', '《信访工作条例》第三十二条');
  await page.fill('#act-opinion-text', '责成施工单位十日内支付。');
  // Typing a word of the article narrows the list to it.
  await page.fill('#act-opinion-articles-filter', '处理意见书应当载明');
  const shown = page.locator('#act-opinion-article-list label:visible');
  assert.equal(await shown.count(), 1);
  assert.match(await shown.first().textContent(), /第三十二条/);
  await shown.first().locator('input').check();
  await Promise.all([page.waitForLoadState('load'), page.click('#act-opinion-submit')]);
  await page.goto(`${env.server.base}/cases/${id}`);
  assert.match(await page.textContent('main'), /依据:《信访工作条例》第三十二条/);
});
