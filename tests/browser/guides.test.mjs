// The guides (docs/guide/*.md, issue 22 part 8): a unit's first day, one guide per preset, walked in
// the browser as the guide tells it — set up from the preset, add a person, the month's duty or
// reception days, register a visit, the case's next steps, the month's screening — each step's
// screenshot written beside the guide (docs/guide/img/), so that the pictures stay true. Each guide
// must show every picture this walk takes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startServer, launchBrowser } from './harness.mjs';

const guides = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'guide');

const presets = [
  { id: 'federation', code: 'CL', name: '西山社区残联', title: '社区残联' },
  { id: 'community', code: 'SQ', name: '西山社区居民委员会', title: '社区' },
  { id: 'community-democratic', code: 'SQ', name: '西山社区居民委员会', title: '社区(含民主管理)' },
  { id: 'town', code: 'XZ', name: '西山镇人民政府', title: '乡镇' },
  { id: 'school', code: 'XX', name: '西山中学', title: '学校' },
];

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });

for (const preset of presets) {
  test(`the first day of a ${preset.id} unit, as its guide tells it`, async () => {
    const server = await startServer();
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
      const shots = [];
      const shot = async (step) => {
        const file = `${preset.id}-${step}.jpg`;
        await page.screenshot({ path: join(guides, 'img', file), type: 'jpeg', quality: 60 });
        shots.push(file);
      };

      // 1 Set up: the administrator's account and the preset.
      await page.goto(server.setupLink);
      await page.fill('#unit_code', preset.code);
      await page.fill('#unit_name', preset.name);
      await page.fill('#hotline', '0432-6276623');
      await page.fill('#username', 'admin');
      await page.fill('#display_name', '李管理');
      await page.fill('#password', 'correct horse battery');
      await page.fill('#password2', 'correct horse battery');
      await page.click(`label.choice:has(input[value="${preset.id}"])`);
      await page.locator('fieldset.presets').scrollIntoViewIfNeeded();
      await shot('1-setup');
      await Promise.all([page.waitForURL('**/home'), page.click('button[type=submit]')]);

      // 2 Add people: each gets a one-time link to set their own password.
      await page.goto(`${server.base}/admin/users/new`);
      await page.selectOption('#role', 'officer');
      await page.fill('#display_name', '王秀英');
      await page.fill('#username', 'wangxy');
      await page.fill('#credential', `${preset.code}-001`);
      await shot('2-people');
      await Promise.all([page.waitForNavigation(), page.click('#add')]);
      assert.match(await page.inputValue('#link'), /\/password\/pw_/);

      // 3 The month: the town publishes its leaders' reception days; the others keep their duty.
      await page.goto(`${server.base}/${preset.id === 'town' ? 'reception' : 'duty'}`);
      await shot('3-month');

      // 4 Register a visit (a school asks how the petitioner stands to it).
      await page.goto(`${server.base}/cases/new?channel=visit`);
      if (preset.id === 'school') await page.check('input[name=relation][value=parent]');
      await page.fill('#name', '张三');
      await page.fill('#phone', '13812345678');
      await page.fill('#category', preset.id === 'school' ? '教育 / 考试招生 / 招生录取' : '劳动和社会保障 / 劳动关系 / 拖欠农民工工资');
      await page.fill('#content', '来访反映问题,请求协调解决。');
      await shot('4-register');
      await page.click('button.primary');
      await page.waitForURL(/\/cases\/\d+\/receipt$/);
      const id = page.url().match(/\/cases\/(\d+)\/receipt$/)[1];

      // 5 Sort it: the case page offers what may be done now (受理, 交办, 转办, 当场答复 …).
      await page.goto(`${server.base}/cases/${id}`);
      await page.locator('h2', { hasText: /^办理$/ }).scrollIntoViewIfNeeded();
      await shot('5-case');

      // 6 Screen the month (每月排查).
      await page.goto(`${server.base}/screening`);
      await shot('6-screening');

      const guide = readFileSync(join(guides, `${preset.id}.md`), 'utf8');
      for (const file of shots) assert.ok(guide.includes(`img/${file}`), `${preset.id}.md shows ${file}`);
      assert.ok(guide.includes(preset.title), `${preset.id}.md names its unit`);
      await page.close();
    } finally {
      await server.stop();
    }
  });
}
