// Presets (issue 22): the first-run setup page offers the five seed documents' units; the school's
// preset sets up the school with its offices, its two sittings a day (SCH-4) and its rotation
// (SCH-5), and a visit is registered in those hours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, seriousViolations } from './harness.mjs';

const env = serverAndBrowser();

/** The Monday of last week at 10:30, local time, as a datetime-local value: within the school's hours. */
function lastMondayMorning() {
  const day = new Date();
  day.setDate(day.getDate() - 7 - ((day.getDay() + 6) % 7));
  const pad = (n) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}T10:30`;
}

test('a school set up from its preset on the setup page registers a visit in its hours', async () => {
  const page = await env.browser.newPage();
  await page.goto(env.server.setupLink);
  for (const title of ['社区残联', '社区(含民主管理)', '乡镇', '学校', '不使用预设']) {
    assert.match(await page.textContent('fieldset.presets'), new RegExp(title.replace(/[()]/g, '.')));
  }
  assert.deepEqual(await seriousViolations(page), [], 'the setup page with its presets');
  await page.fill('#unit_code', 'XX');
  await page.fill('#unit_name', '西山中学');
  await page.click('label.choice:has(input[value=school])');
  assert.equal(await page.isChecked('input[name=preset][value=school]'), true, 'the whole row picks the preset');
  await page.fill('#hotline', '0432-6276623');
  await page.fill('#username', 'admin');
  await page.fill('#display_name', '李校长');
  await page.fill('#password', 'correct horse battery');
  await page.fill('#password2', 'correct horse battery');
  await Promise.all([page.waitForURL('**/home'), page.click('button[type=submit]')]);

  // The school's public page shows its two sittings (SCH-4).
  await page.goto(`${env.server.base}/public/units/XX`);
  assert.match(await page.textContent('main'), /周一至周五 10:00–12:30、16:00–18:00/);

  // The duty page starts from the school's rotation (SCH-5).
  await page.goto(`${env.server.base}/duty`);
  assert.match(await page.textContent('main'), /周一至周五接待时间内轮流值班/);

  // A visit received on a Monday morning, in the school's hours, is registered.
  await page.goto(`${env.server.base}/cases/new?channel=visit`);
  assert.match(await page.textContent('#office-hours'), /周一至周五 10:00–12:30、16:00–18:00/,
    'the receiver sees the hours beside the time received');
  await page.fill('#received_at', lastMondayMorning());
  // SCH-1: the school asks how the petitioner stands to it.
  assert.match(await page.textContent('fieldset.relation legend'), /教职工、学生、家长/);
  await page.check('input[name=relation][value=parent]');
  await page.fill('#name', '张家长');
  await page.fill('#category', '教育 / 考试招生 / 招生录取');
  await page.fill('#content', '家长来访反映孩子转学手续办理缓慢。');
  await page.click('button.primary');
  await page.waitForURL(/\/cases\/\d+\/receipt$/);
  assert.match(await page.textContent('.receipt'), /XX-\d{4}-000001/);
  assert.match(await page.textContent('.receipt'), /10:30/);

  // SCH-1: someone else is registered, then guided elsewhere: the case page says so and how.
  await page.goto(`${env.server.base}/cases/new?channel=visit`);
  await page.fill('#received_at', lastMondayMorning());
  await page.check('input[name=relation][value=other]');
  await page.fill('#name', '王邻居');
  await page.fill('#category', '教育 / 考试招生 / 招生录取');
  await page.fill('#content', '学校周边居民反映放学时段门口拥堵。');
  await page.click('button.primary');
  await page.waitForURL(/\/cases\/\d+\/receipt$/);
  const id = page.url().match(/\/cases\/(\d+)\/receipt$/)[1];
  await page.goto(`${env.server.base}/cases/${id}`);
  assert.match(await page.textContent('main'), /非受理对象/);
  assert.match(await page.textContent('main'), /与本单位关系\s*其他人员/);
  assert.deepEqual(await seriousViolations(page), [], 'the case page with its scope warning');
});
