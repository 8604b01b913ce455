// A unit's settings page (issue 18): the administrator follows the tree's link to their unit's
// settings, watches the letterhead's sample follow what they type, saves it, sets the public
// information after a mistake in the hours named on its field, and sets a reception day; every
// state of the page is checked by axe, and the public page shows what was set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, setUp, seriousViolations } from './harness.mjs';

const env = serverAndBrowser();

test('an administrator sets their unit\'s letterhead, public information and reception day', async () => {
  const admin = await env.browser.newPage();
  await setUp(admin, env.server);
  await admin.goto(`${env.server.base}/admin/units`);
  await Promise.all([admin.waitForURL(/\/admin\/units\/XS\/settings$/), admin.click('#settings-XS')]);
  assert.match(await admin.textContent('#limits'), /60 日/, 'the handling limit, inherited from the national rules');
  assert.deepEqual(await seriousViolations(admin), [], 'the settings page');

  // The letterhead's sample follows the typing, before anything is saved.
  await admin.fill('#letterhead', '西山社区居民委员会文件');
  await admin.fill('#signature', '西山社区居民委员会\n(盖章)');
  assert.equal(await admin.textContent('[data-preview-of=letterhead]'), '西山社区居民委员会文件');
  const lines = await admin.$$eval('[data-preview-of=signature] p', (ps) => ps.map((p) => p.textContent));
  assert.deepEqual(lines, ['西山社区居民委员会', '(盖章)'], 'one line of the signature block a line');
  await Promise.all([admin.waitForURL(/done=letterhead/), admin.click('#save-letterhead')]);
  assert.match(await admin.textContent('p.notice[role=status]'), /红头与落款已保存/);

  // Public information: the hours in words are refused on their field, the rest kept as typed.
  await admin.fill('#hotline', '0571-8888 1234');
  await admin.fill('#address', '向阳街 1 号社区服务中心');
  await admin.fill('#office_hours', '工作日上午');
  await admin.fill('#procedure', '当场登记,十五日内书面告知是否受理。');
  await Promise.all([admin.waitForNavigation(), admin.click('#save-public-info')]);
  assert.equal(await admin.getAttribute('#office_hours', 'aria-invalid'), 'true');
  assert.match(await admin.textContent('#office_hours-err'), /接待时间|时间/);
  assert.equal(await admin.inputValue('#address'), '向阳街 1 号社区服务中心', 'what was typed is kept');
  assert.deepEqual(await seriousViolations(admin), [], 'the settings page with its mistake');
  await admin.fill('#office_hours', '1-5 10:00-12:30,16:00-18:00');
  await Promise.all([admin.waitForURL(/done=public-info/), admin.click('#save-public-info')]);

  // A reception day: Monday, with the leader's title and credential.
  await admin.fill('input[name=leader1]', '张三');
  await admin.fill('input[name=title1]', '社区党委书记');
  await admin.fill('input[name=credential1]', 'XS-001');
  await Promise.all([admin.waitForURL(/done=schedule/), admin.click('#save-schedule')]);
  assert.equal(await admin.inputValue('input[name=leader1]'), '张三');

  const visitor = await env.browser.newPage();
  await visitor.goto(`${env.server.base}/public/units/XS`);
  const shown = await visitor.textContent('main');
  assert.match(shown, /0571-8888 1234/);
  assert.match(shown, /张三/);
  assert.match(shown, /10:00/);
});

test('an administrator orders the content classes and adds dictionary words, the index rebuilt in the background', async () => {
  const admin = await env.browser.newPage();
  await admin.goto(`${env.server.base}/login`);
  await admin.fill('#username', 'admin');
  await admin.fill('#password', 'correct horse battery');
  await Promise.all([admin.waitForURL('**/home'), admin.click('button[type=submit]')]);

  // 内容分类: from the admin menu, one level down, the second class moved up.
  await admin.goto(`${env.server.base}/admin/units`);
  await Promise.all([admin.waitForURL(/\/admin\/categories$/), admin.click('nav.subnav >> text=内容分类')]);
  assert.deepEqual(await seriousViolations(admin), [], 'the top level of the classes');
  await Promise.all([admin.waitForURL(/parent=01$/), admin.click('#classes tbody tr:first-child a')]);
  const names = async () => admin.$$eval('#classes tbody tr td:first-child', (tds) => tds.map((td) => td.textContent.trim()));
  const before = await names();
  await Promise.all([admin.waitForURL(/done=move/), admin.click('#classes tbody tr:nth-child(2) button[id^=up-]')]);
  const after = await names();
  assert.deepEqual([after[0], after[1]], [before[1], before[0]], 'the two changed places');
  assert.match(await admin.textContent('#trail'), /全部一级分类/);
  assert.deepEqual(await seriousViolations(admin), [], 'the second level, after a move');

  // 检索词典: words added; the page follows the rebuild until it has ended.
  await admin.goto(`${env.server.base}/admin/dictionary`);
  assert.deepEqual(await seriousViolations(admin), [], 'the dictionary page');
  await admin.fill('#words', '东坡村 向阳街');
  await Promise.all([admin.waitForURL(/added=2/), admin.click('#add-words')]);
  await admin.waitForFunction(() => /重建完成/.test(document.getElementById('reindex-text').textContent));
  const words = async () => admin.$$eval('#word-list li', (lis) => lis.map((li) => li.firstChild.textContent.trim()).sort());
  assert.deepEqual(await words(), ['东坡村', '向阳街']);
  assert.deepEqual(await seriousViolations(admin), [], 'the dictionary page after the rebuild');
  // A word added by mistake is removed, after a confirmation.
  admin.once('dialog', (dialog) => dialog.accept());
  await Promise.all([admin.waitForURL(/removed=1/), admin.click('#word-list button[aria-label="删除 向阳街"]')]);
  assert.deepEqual(await words(), ['东坡村']);
});
