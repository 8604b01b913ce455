// Administration in the browser (issue 18): an administrator adds a community and its officer; the
// officer opens the one-time link, sets their own password, signs in and registers a visit at the
// new community. Every page on the way is checked by axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, setUp, seriousViolations, tabTo } from './harness.mjs';

const env = serverAndBrowser();

test('an administrator adds a community and its officer, who signs in by the link and registers a visit', async () => {
  const admin = await env.browser.newPage();
  await setUp(admin, env.server);

  // A community below the administrator's own unit, from the unit tree, by keyboard.
  await admin.goto(`${env.server.base}/admin/units`);
  await tabTo(admin, 'add-unit-summary');
  await admin.keyboard.press('Enter');
  await admin.fill('input[name=name]', '东山社区');
  await admin.fill('input[name=code]', 'DS');
  await admin.selectOption('select[name=kind]', 'community');
  await admin.selectOption('form.add-unit-form select[name=parent]', 'XS');
  assert.deepEqual(await seriousViolations(admin), [], 'the unit tree with the add form open');
  await Promise.all([admin.waitForNavigation(), admin.click('#add-unit')]);
  assert.match(await admin.textContent('#units'), /└ 东山社区/);

  // Its officer, from the staff list: a mistake first, named on its field.
  await admin.goto(`${env.server.base}/admin/users`);
  await Promise.all([admin.waitForURL(/\/admin\/users\/new$/), admin.click('#add-person')]);
  assert.deepEqual(await seriousViolations(admin), [], 'the add-person form');
  await admin.selectOption('#unit', 'DS');
  await admin.selectOption('#role', 'officer');
  await admin.fill('#display_name', '孙丽');
  await admin.fill('#username', '孙丽');
  await admin.fill('#credential', 'DS-001');
  await Promise.all([admin.waitForNavigation(), admin.click('#add')]);
  assert.match(await admin.textContent('#username-err'), /用户名/);
  assert.equal(await admin.inputValue('#display_name'), '孙丽', 'what was typed is kept');
  assert.equal(await admin.getAttribute('#username', 'aria-invalid'), 'true');
  assert.deepEqual(await seriousViolations(admin), [], 'the add-person form with its mistake');
  await admin.fill('#username', 'sunli');
  await Promise.all([admin.waitForNavigation(), admin.click('#add')]);
  const link = await admin.inputValue('#link');
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/password\/pw_[0-9a-f]+$/, 'the one-time link, shown once');
  assert.deepEqual(await seriousViolations(admin), [], 'the page showing the link');
  await admin.goto(`${env.server.base}/admin/users/sunli`);
  assert.match(await admin.textContent('main'), /尚未设置密码/);
  assert.doesNotMatch(await admin.content(), /pw_[0-9a-f]{8}/, 'the link is not shown again');
  assert.deepEqual(await seriousViolations(admin), [], 'the person page');

  // The officer, on a computer of their own: the link, their own password, the sign-in.
  const context = await env.browser.newContext();
  const officer = await context.newPage();
  await officer.goto(link);
  assert.match(await officer.textContent('main'), /孙丽（东山社区）|孙丽\(东山社区\)/);
  assert.deepEqual(await seriousViolations(officer), [], 'the set-password page');
  await officer.fill('#password', '东山社区孙丽的登录口令2026');
  await officer.fill('#password2', '东山社区孙丽的登录口令2026');
  await Promise.all([officer.waitForURL(/\/login\?set=sunli$/), officer.click('#set-password')]);
  assert.match(await officer.textContent('main'), /密码已设置/);
  assert.equal(await officer.inputValue('#username'), 'sunli');
  await officer.fill('#password', '东山社区孙丽的登录口令2026');
  await Promise.all([officer.waitForURL('**/home'), officer.click('button[type=submit]')]);
  // Used once: the link now leads nowhere.
  const again = await context.newPage();
  const answer = await again.goto(link);
  assert.equal(answer.status(), 404);

  // And registers a visit at the new community.
  await officer.goto(`${env.server.base}/cases/new?channel=visit`);
  await officer.fill('#name', '钱多多');
  await officer.fill('#category', '民政与应急 / 社会救助 / 城镇低保');
  await officer.fill('#content', '低保金两个月未到账,请求查明原因。');
  await Promise.all([officer.waitForURL(/\/cases\/\d+\/receipt$/), officer.click('#register')]);
  const receipt = await officer.textContent('.receipt');
  assert.match(receipt, /DS-\d{4}-\d{6}/, 'a case number of the new community');
  assert.match(receipt, /孙丽（接访员，工作证号 ?DS-001）/);
  await context.close();

  // The administrator sees the sign-in on the person's page.
  await admin.goto(`${env.server.base}/admin/users/sunli`);
  assert.match(await admin.textContent('#sign-ins'), /成功/);

  // Notices also by SMS and e-mail: the person's mobile number and address on their card, a
  // mistake named on its field.
  await admin.fill('#phone', '139 0013 9000');
  await admin.fill('#email', 'sunli@');
  await Promise.all([admin.waitForNavigation(), admin.click('#save-card')]);
  assert.match(await admin.textContent('#email-err'), /电子邮箱/);
  assert.equal(await admin.getAttribute('#email', 'aria-invalid'), 'true');
  assert.deepEqual(await seriousViolations(admin), [], 'the card with its mistake');
  await admin.fill('#email', 'sunli@dongshan.example.org');
  await Promise.all([admin.waitForNavigation(), admin.click('#save-card')]);
  assert.equal(await admin.inputValue('#email'), 'sunli@dongshan.example.org');
  assert.equal(await admin.inputValue('#phone'), '139 0013 9000');

  // 消息发送: how notices leave (this server has no mail server or gateway), and none given up.
  await admin.goto(`${env.server.base}/admin/outbox`);
  assert.match(await admin.textContent('#mail-channel'), /未设置邮件服务器/);
  assert.match(await admin.textContent('#sms-channel'), /未设置短信网关/);
  assert.match(await admin.textContent('#no-dead'), /没有发送失败的消息/);
  assert.deepEqual(await seriousViolations(admin), [], 'the outbox page');
});
