// 领导接访安排 (issue 19: TWN-7, TWN-8, TWN-9): an administrator opens 接访安排 from the menu, picks
// the leader of 副科级 for a day of this month with the date and place fields, saves the draft,
// publishes it after the confirmation and finds the month on the unit's public page; records
// today's reception session and finds it offered on the registration form (TWN-10); axe checks
// each state of the pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, setUp, seriousViolations, cli } from './harness.mjs';

const env = serverAndBrowser();

test('a month of leaders\' reception days is drafted with the pickers, published and shown publicly', async () => {
  const admin = await env.browser.newPage();
  await setUp(admin, env.server);
  cli(env.server, ['user', 'add', 'lizhen', '--unit', 'XS', '--role', 'leader', '--name', '李振', '--title', '社区书记',
    '--rank', '副科级']);
  await Promise.all([admin.waitForURL(/\/reception$/), admin.click('nav[aria-label=主导航] >> text=接访安排')]);
  assert.match(await admin.textContent('#no-current'), /尚未公示/);
  assert.deepEqual(await seriousViolations(admin), [], 'the page before any table');

  const month = await admin.inputValue('#month');
  await admin.fill('#day_0', `${month}-15`);
  await admin.selectOption('#leader_0_0', 'lizhen');
  await admin.fill('#place_0', '社区信访接待室');
  await admin.fill('#starts_0', '09:00');
  await admin.fill('#ends_0', '11:30');
  await Promise.all([admin.waitForURL(/done=draft/), admin.click('#save-draft')]);
  assert.match(await admin.textContent('#draft'), /李振（社区书记）[\s\S]*社区信访接待室[\s\S]*09:00–11:30/);
  assert.deepEqual(await seriousViolations(admin), [], 'the page with a draft');

  const asked = new Promise((resolve) => admin.once('dialog', (d) => { resolve(d.message()); d.accept(); }));
  await Promise.all([admin.waitForURL(/done=publish/), admin.click('#publish')]);
  assert.match(await asked, /公示后本版不能再修改/);
  assert.match(await admin.textContent('#current'), /李振（社区书记）/);
  assert.match(await admin.textContent('#versions'), /第 1 版/);
  assert.deepEqual(await seriousViolations(admin), [], 'the page with the published table');

  // TWN-10: today's leader reception session, recorded at the counter, is offered when a visit is
  // registered.
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  await admin.selectOption('#s-kind', 'leader_day');
  await admin.fill('#s-day', today);
  await admin.selectOption('#s-leader-0', 'lizhen');
  await admin.fill('#s-place', '社区信访接待室');
  await Promise.all([admin.waitForURL(/done=session/), admin.click('#record-session')]);
  assert.match(await admin.textContent('#sessions'), /领导接访日[\s\S]*李振（社区书记）[\s\S]*0 批/);
  assert.deepEqual(await seriousViolations(admin), [], 'the page with a session');
  await admin.goto(`${env.server.base}/cases/new?channel=visit`);
  assert.match(await admin.textContent('#session'), /领导接访日 · 李振（社区书记） · 社区信访接待室/);
  assert.deepEqual(await seriousViolations(admin), [], 'the registration form with today\'s session');

  const visitor = await env.browser.newPage();
  await visitor.goto(`${env.server.base}/public/units/XS`);
  assert.match(await visitor.textContent('#reception-month'), /本月领导接访安排/);
  assert.match(await visitor.textContent('main'), /李振（社区书记）[\s\S]*社区信访接待室/);
  assert.deepEqual(await seriousViolations(visitor), [], 'the public unit page with the month');
});
