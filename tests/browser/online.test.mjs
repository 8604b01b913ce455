// The online petition in headless Chromium (issue 6, GEN-1, GEN-11): a petitioner without an account
// fills in, checks and sends a petition with the keyboard alone, keeps the receipt, finds the case
// with it, and staff see it on the online channel. axe-core finds no serious or critical violation
// on any public page, in the standard and the large-text display, and the pages fit a phone screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, cli, serverAndBrowser, setUp, seriousViolations, signIn, tabTo } from './harness.mjs';

const env = serverAndBrowser();

const NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** The answer to the check question on the page (三加七等于几?). */
async function answerOf(page) {
  const question = await page.textContent('label[for=answer]');
  const [, a, b] = question.match(/(.)加(.)等于几/);
  return String(NUMERALS.indexOf(a) + NUMERALS.indexOf(b));
}

test('a petitioner files online with the keyboard alone, and staff see the case', async () => {
  const staff = await env.browser.newPage();
  await setUp(staff, env.server);
  // The federation under the community: its petitions are reviewed by the community (GEN-5).
  cli(env.server, ['unit', 'add', 'XS-CL', '--name', '西山社区残联', '--kind', 'federation', '--parent', 'XS']);
  // The community publishes its hours and reception schedule (COM-3, FED-3, FED-4).
  cli(env.server, ['unit', 'info', 'XS', '--hotline', '0571-8888 1234', '--address', '西山社区向阳街 1 号',
    '--hours', '1-5 08:30-12:00,13:30-17:30', '--procedure', '来访请带身份证。']);
  cli(env.server, ['unit', 'schedule', 'XS', '--day', '1,张三,社区党委书记,XS-001', '--day', '3,李四,社区主任,XS-002']);

  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.server.base}/public`);
  assert.deepEqual(await seriousViolations(page), [], 'the home page');
  await tabTo(page, 'go-submit');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(page.url(), /\/public\/submit$/);
  assert.deepEqual(await seriousViolations(page), [], 'the empty form');

  // Step one by keyboard: arrow keys choose in the lists, Enter on the button sends.
  await tabTo(page, 'unit');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue('#unit'), 'XS-CL');
  await tabTo(page, 'name');
  await page.keyboard.type('李桂兰');
  await tabTo(page, 'phone');
  await page.keyboard.type('13900001111');
  await tabTo(page, 'category');
  await page.keyboard.press('ArrowDown');
  await tabTo(page, 'content');
  await page.keyboard.type('在西山社区工地干了四个月,老板拖欠工资八千元,至今未付。');
  await tabTo(page, 'next');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.textContent('h1'), /核对并提交/);
  assert.match(await page.textContent('main'), /李桂兰/);
  assert.deepEqual(await seriousViolations(page), [], 'the check page');

  // Step two: a wrong answer is refused, announced, and nothing is filed.
  await tabTo(page, 'consent');
  await page.keyboard.press('Space');
  await tabTo(page, 'answer');
  await page.keyboard.type('99');
  await tabTo(page, 'send');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.textContent('[role=alert]'), /尚未提交/);
  assert.match(await page.textContent('main'), /验证问题回答不正确/);
  assert.deepEqual(await seriousViolations(page), [], 'the check page with its mistakes');
  await tabTo(page, 'consent');
  await page.keyboard.press('Space');
  await tabTo(page, 'answer');
  await page.keyboard.type(await answerOf(page));
  await tabTo(page, 'send');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

  // The receipt: number and code, once, printable.
  const receipt = await page.textContent('.receipt');
  const number = receipt.match(/XS-CL-\d{4}-\d{6}/)[0];
  const code = receipt.match(/查询码\s*(\d{4}-\d{4})/)[1];
  assert.match(receipt, /最迟/);
  assert.deepEqual(await seriousViolations(page), [], 'the receipt');

  // The petitioner follows the case with the receipt.
  await page.goto(`${env.server.base}/public/lookup`);
  await page.fill('#case_number', number);
  await page.fill('#query_code', code);
  await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
  assert.match(await page.textContent('#result'), new RegExp(`${number}:已登记`));

  // The unit's public page, and the list of units.
  for (const path of ['/public/units', '/public/units/XS']) {
    await page.goto(`${env.server.base}${path}`);
    assert.deepEqual(await seriousViolations(page), [], path);
  }
  assert.match(await page.textContent('main'), /及时受理率/);
  assert.match(await page.textContent('main'), /周一至周五 08:30–12:00、13:30–17:30/);
  assert.match(await page.textContent('main'), /张三.*社区党委书记.*XS-001/s);
  await page.goto(`${env.server.base}/public/units/NOPE`);
  assert.match(await page.textContent('[role=alert]'), /没有这个单位/);
  assert.deepEqual(await seriousViolations(page), [], 'the public error page');

  // Staff see it in their list on the online channel.
  await staff.goto(`${env.server.base}/cases?channel=online`);
  assert.match(await staff.textContent('main'), new RegExp(number));

  // FED-1: an officer of the federation takes it from the unit's queue on the home page, by
  // keyboard, and becomes its first receiver. The other steps go through the API, with accounts made
  // by the CLI.
  const password = 'a long enough password';
  cli(env.server, ['user', 'add', 'wang', '--unit', 'XS-CL', '--role', 'officer', '--name', '王秀英', '--title', '接访员',
    '--credential', 'CL-001', '--password-stdin'], `${password}\n`);
  for (const user of ['lead1', 'lead2']) {
    cli(env.server, ['user', 'add', user, '--unit', 'XS-CL', '--role', 'leader', '--password-stdin'], `${password}\n`);
  }
  const token = (user) => cli(env.server, ['token', 'create', user]).trim();
  const [wang, lead1, lead2] = ['wang', 'lead1', 'lead2'].map(token);
  const { items } = await api(env.server, wang, 'GET', `/cases?q=${number}`);
  const id = items[0].id;
  const officer = await signIn(env.browser, env.server, 'wang', password);
  assert.match(await officer.textContent('#online-table'), new RegExp(number));
  assert.match(await officer.textContent('.work-counts'), /1\s*网上信访待领取/);
  assert.deepEqual(await seriousViolations(officer), [], 'the home page with the online queue');
  await tabTo(officer, `take-${id}`);
  const asked = new Promise((resolve) => officer.once('dialog', (d) => { resolve(d.message()); d.accept(); }));
  await Promise.all([officer.waitForURL(new RegExp(`/cases/${id}$`)), officer.keyboard.press('Enter')]);
  assert.match(await asked, /首问责任人/);
  assert.match(await officer.textContent('.facts'), /首问责任人\s*王秀英（接访员，工作证号 CL-001）/);
  assert.match(await officer.textContent('.timeline'), /领取网上信访 · 王秀英（接访员）/);
  await officer.goto(`${env.server.base}/home`);
  assert.match(await officer.textContent('main'), /没有待领取的网上信访/);

  await api(env.server, wang, 'POST', `/cases/${id}/accept`, {});
  const draft = {
    outcome: 'support', facts: '经调查,拖欠属实。', basis: '《保障农民工工资支付条例》第三条', text: '责成施工单位十日内支付。',
  };
  await api(env.server, wang, 'POST', `/cases/${id}/opinion`, { ...draft, basis: '有关规定' });

  // A leader reads the draft whole, as it will print, and returns it with a comment, by keyboard.
  const leader = await signIn(env.browser, env.server, 'lead1', password);
  assert.match(await leader.textContent('.work-counts'), /1\s*处理意见待审批/);
  await leader.goto(`${env.server.base}/cases/${id}`);
  const preview = await leader.textContent('.preview');
  assert.match(preview, /信访事项处理意见书/);
  assert.match(preview, /李桂兰:/, 'addressed to the petitioner');
  assert.match(preview, /依据:有关规定/);
  assert.deepEqual(await seriousViolations(leader), [], 'the case page with the draft to approve');
  await tabTo(leader, 'return-opinion-summary');
  await leader.keyboard.press('Enter');
  await tabTo(leader, 'act-return-opinion-comment');
  await leader.keyboard.type('依据请写明具体条款');
  await tabTo(leader, 'act-return-opinion-submit');
  const confirmed = new Promise((resolve) => leader.once('dialog', (d) => { resolve(d.message()); d.accept(); }));
  await Promise.all([leader.waitForNavigation(), leader.keyboard.press('Enter')]);
  assert.match(await confirmed, /确定退回吗/);
  assert.match(await leader.textContent('.timeline'), /退回修改.*依据请写明具体条款/s);
  assert.match(await leader.textContent('h1 .status'), /办理中/);
  // The drafter is told.
  await officer.goto(`${env.server.base}/notifications`);
  assert.match(await officer.textContent('main'), /退回了信访件.*处理意见/s);

  await api(env.server, wang, 'POST', `/cases/${id}/opinion`, draft);
  await api(env.server, lead1, 'POST', `/cases/${id}/approve`, {});
  await api(env.server, lead2, 'POST', `/cases/${id}/approve`, {});
  await api(env.server, wang, 'POST', `/cases/${id}/reply`, {});
  await officer.context().close();
  await leader.context().close();

  // The petitioner reads the reply and rates it by keyboard: arrow keys move within a radio group.
  await page.goto(`${env.server.base}/public/lookup`);
  await page.fill('#case_number', number);
  await page.fill('#query_code', code);
  await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
  assert.match(await page.textContent('main'), /责成施工单位十日内支付/);
  assert.deepEqual(await seriousViolations(page), [], 'the reply with the rating and review forms');
  await tabTo(page, 'office-satisfied');
  await page.keyboard.press('Space');
  await tabTo(page, 'unit-satisfied');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'unit-dissatisfied');
  await tabTo(page, 'rate_reason');
  await page.keyboard.type('钱只付了一半');
  await tabTo(page, 'rate');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.textContent('[role=status]'), /评价已提交/);
  assert.equal(await page.$('#rate'), null, 'rated once: the form is gone');

  // And asks for review.
  await tabTo(page, 'review_reason');
  await page.keyboard.type('工资只付了一半,处理意见没有落实。');
  await tabTo(page, 'review');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.textContent('[role=status]'), /复查申请已提交/);
  assert.match(await page.textContent('main ol'), /申请复查/);
  assert.deepEqual(await seriousViolations(page), [], 'after the review request');
  await context.close();
});

test('the large-text display and English persist, stay accessible, and the pages fit a phone', async () => {
  // DEM-6: the community's page lists a meeting to come and one held with its decision.
  const token = cli(env.server, ['token', 'create', 'admin']).trim();
  const chair = await api(env.server, token, 'POST', '/units/XS/bodies/council/members',
    { name: '刘主任', role: 'chair', term_from: '2020-01-01' });
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const later = new Date(Date.now() + (8 + 240) * 3600_000).toISOString().slice(0, 10);
  const held = await api(env.server, token, 'POST', '/units/XS/meetings',
    { body: 'council', convened_by: 'chair', day: today, place: '社区议事厅', agenda: ['加装电梯费用分摊'] });
  await api(env.server, token, 'POST', `/meetings/${held.id}/attendance`, { present: [chair.id] });
  await api(env.server, token, 'POST', `/meetings/${held.id}/decisions`,
    { item: 0, text: '同意按楼层分摊', votes_for: 1, votes_against: 0 });
  await api(env.server, token, 'POST', '/units/XS/meetings',
    { body: 'council', convened_by: 'chair', day: later, place: '社区议事厅', agenda: ['健身器材维修'] });
  const context = await env.browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true });
  const page = await context.newPage();
  await page.goto(`${env.server.base}/public/units/XS`);
  assert.match(await page.textContent('#meetings'), /会议公告和决定/);
  assert.match(await page.textContent('main'), /同意按楼层分摊/);
  for (const path of ['/public', '/public/submit', '/public/lookup', '/public/complaints', '/public/complaints/lookup', '/public/units', '/public/units/XS']) {
    await page.goto(`${env.server.base}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} fits a phone screen (overflow ${overflow}px)`);
  }
  await page.goto(`${env.server.base}/public/lookup`);
  await Promise.all([page.waitForNavigation(), page.click('.display-switch button[name=large]')]);
  assert.match(page.url(), /\/public\/lookup$/, 'back on the same page');
  await page.goto(`${env.server.base}/public/submit`);
  assert.equal(await page.evaluate(() => document.documentElement.className), 'large', 'the choice is kept');
  const size = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(size >= 20, `large text (${size}px)`);
  for (const path of ['/public', '/public/submit', '/public/lookup', '/public/complaints', '/public/complaints/lookup', '/public/units', '/public/units/XS']) {
    await page.goto(`${env.server.base}${path}`);
    assert.deepEqual(await seriousViolations(page), [], `${path} in large text`);
  }
  await Promise.all([page.waitForNavigation(), page.click('.display-switch button[name=large]')]);
  assert.equal(await page.evaluate(() => document.documentElement.className), '', 'and back to the standard');

  // English, kept like the display, and back to Chinese.
  await Promise.all([page.waitForNavigation(), page.click('.display-switch button[name=lang]')]);
  await page.goto(`${env.server.base}/public/submit`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.match(await page.textContent('h1'), /File a petition/);
  await page.goto(`${env.server.base}/public/units/XS`);
  assert.match(await page.textContent('#meetings'), /Meetings and decisions/);
  for (const path of ['/public', '/public/submit', '/public/lookup', '/public/complaints', '/public/complaints/lookup', '/public/units', '/public/units/XS']) {
    await page.goto(`${env.server.base}${path}`);
    assert.deepEqual(await seriousViolations(page), [], `${path} in English`);
  }
  await Promise.all([page.waitForNavigation(), page.click('.display-switch button[name=lang]')]);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await context.close();
});
