// 每月排查 (issue 21: TWN-13): an administrator opens 排查 from the menu, writes down a matter of
// last month with the person responsible picked, the measures and a deadline, and saves it; the
// community's leader reads the saved draft, confirms and signs it off, and records the matter
// resolved; axe checks each state of the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, setUp, seriousViolations, cli, signIn } from './harness.mjs';

const env = serverAndBrowser();

test('a month is screened: a matter written down, signed off by the leader and resolved', async () => {
  const admin = await env.browser.newPage();
  await setUp(admin, env.server);
  const password = '西山社区书记签发排查';
  cli(env.server, ['user', 'add', 'lizhen', '--unit', 'XS', '--role', 'leader', '--name', '李振', '--title', '社区书记',
    '--password-stdin'], `${password}\n`);
  await Promise.all([admin.waitForURL(/\/screening$/), admin.click('nav[aria-label=主导航] >> text=排查')]);
  assert.match(await admin.textContent('#status'), /未开始/);
  assert.deepEqual(await seriousViolations(admin), [], 'the page before any screening');

  const due = new Date(Date.now() + (8 + 24 * 20) * 3600 * 1000).toISOString().slice(0, 10);
  await admin.fill('textarea[name=subject_0]', '加装电梯费用分摊纠纷');
  await admin.selectOption('select[name=responsible_0]', 'lizhen');
  await admin.fill('textarea[name=measures_0]', '召开居民协商会,街道司法所调解');
  await admin.fill('input[name=due_0]', due);
  await Promise.all([admin.waitForURL(/done=draft/), admin.click('#save-screening')]);
  assert.match(await admin.textContent('#status'), /草稿/);
  assert.match(await admin.textContent('#matters'), /加装电梯费用分摊纠纷[\s\S]*李振（社区书记）[\s\S]*召开居民协商会/);
  assert.deepEqual(await seriousViolations(admin), [], 'the page with a draft');

  const leader = await signIn(env.browser, env.server, 'lizhen', password);
  await leader.goto(`${env.server.base}/screening`);
  assert.match(await leader.textContent('#matters-h'), /待签发/);
  await leader.check('#sign-form input[name=confirm]');
  await Promise.all([leader.waitForURL(/done=sign/), leader.click('#sign-screening')]);
  assert.match(await leader.textContent('#status'), /已签发上报[\s\S]*李振（社区书记） 于 .* 签发/);
  assert.equal(await leader.locator('#screening-form').count(), 0, 'signed: no form to change it');
  assert.deepEqual(await seriousViolations(leader), [], 'the signed screening');

  await leader.fill('#resolution-1', '协商一致,按户分摊,已签协议');
  await Promise.all([leader.waitForURL(/done=resolve/), leader.click('#matters button[type=submit]')]);
  assert.match(await leader.textContent('#matters'), /协商一致,按户分摊,已签协议/);
  const pdf = await leader.request.get(`${env.server.base}/screening/XS/${await leader.inputValue('#month')}/screening.pdf`);
  assert.equal(pdf.status(), 200);
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
});
