// Journey: a KIM officer registers a KIM and submits it; the kabupaten admin
// verifies it and it gets its registration number; the public finds it in the
// directory; the province looks at coverage statistics and the map.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { USERS, checkPage, htmxSettled, login, logout, navigate, visit, withPage, useServerAndBrowser } from '../lib/journey.mjs';

const env = useServerAndBrowser('registry');

/** Choose province, kabupaten, kecamatan and desa of `village` from the picker's selects. */
export async function chooseVillage(page, village) {
  const parts = village.split('.');
  const steps = [['#v_province', 1], ['#v_regency', 2], ['#v_district', 3], ['#village', 4]];
  for (const [sel, n] of steps) {
    await page.locator(`${sel} option[value="${parts.slice(0, n).join('.')}"]`).waitFor({ state: 'attached' });
    // As a person does: one choice, then the picker refreshes (htmx), then the next choice. A
    // choice made while the previous refresh is still being swapped in would be made on the old
    // picker and lost with it.
    await page.selectOption(sel, parts.slice(0, n).join('.'));
    await htmxSettled(page);
  }
  await page.locator('#village-chosen').waitFor();
}
const OFFICER = 'kim.prigen.ketua';
const NAME = 'KIM Suara Lereng Welirang';

describe('KIM registry', { timeout: 240_000 }, () => {
  test('register, submit, verify, find in the directory', async () => {
    let kimPath;
    let village;
    await withPage(env, 'registry-officer', async (page) => {
      await login(page, OFFICER, { check: 'registry-officer' });
      // The officer's own KIM tells us the village code to register in.
      await visit(page, '/dashboard');
      await visit(page, '/kim?region=35.14.10');
      await checkPage(page, 'registry-directory');
      await visit(page, '/kim/new');
      await checkPage(page, 'registry-new');
      const own = await page.request.get('/api/v1/kims?region=35.14.10');
      const items = (await own.json()).items;
      village = items.find((k) => k.name.endsWith('Lestari'))?.village ?? items[0].village;
      await page.fill('#name', NAME);
      // The village is chosen by name from the cascading lists (htmx refreshes them).
      await chooseVillage(page, village);
      await page.fill('#phone', '0812 3456 7890');
      // The officer stands at the secretariat: "use my location" fills the coordinates.
      await page.context().grantPermissions(['geolocation']);
      await page.context().setGeolocation({ latitude: -7.7012341, longitude: 112.6209876 });
      await page.click('#location-picker button.pick-gps');
      await page.waitForFunction(() => document.querySelector('#lat').value !== '');
      assert.equal(await page.inputValue('#lat'), '-7.701234');
      assert.equal(await page.inputValue('#lon'), '112.620988');
      await page.check('#topic-disaster');
      await navigate(page, () => page.click('button[name=submit][value="1"]'));
      kimPath = new URL(page.url()).pathname;
      assert.match(kimPath, /^\/kim\/\d+$/);
      assert.match(await page.locator('main .badge').first().textContent(), /Diajukan/);
      await checkPage(page, 'registry-submitted');
      await logout(page, { check: 'registry-officer' });
    });

    await withPage(env, 'registry-admin', async (page) => {
      await login(page, USERS.pasuruan, { check: 'registry-admin' });
      await visit(page, kimPath);
      await navigate(page, () => page.click('form.transition-form:has(input[value=verify]) button'));
      await navigate(page, () => page.click('#confirm-form button[type=submit]'));
      const number = (await page.locator('#reg-number').textContent()).trim();
      assert.ok(number.startsWith(`KIM-${village}-`), number);
      await checkPage(page, 'registry-verified');
      await visit(page, `${kimPath}/members`);
      await checkPage(page, 'registry-members');
      // The office's own spreadsheet: checked in the background, then saved all at once.
      await visit(page, '/kim/import');
      await checkPage(page, 'registry-import');
      const csv = 'nama_kim,kode_desa,telepon\n' +
        `KIM Impor Jalur Satu,${village},0812 1111 2222\n` +
        `KIM Impor Jalur Dua,${village},\n`;
      await page.setInputFiles('#file', { name: 'daftar.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await navigate(page, () => page.click('#import-form button[type=submit]'));
      await page.locator('#import-summary').waitFor({ timeout: 30_000 });
      assert.match(await page.locator('#import-summary').textContent(), /2 baris: 2 siap disimpan/);
      await checkPage(page, 'registry-import-checked');
      await navigate(page, () => page.click('#import-commit button'));
      await page.locator('#import-summary').waitFor({ timeout: 30_000 });
      assert.match(await page.locator('#import-summary').textContent(), /2 KIM tersimpan/);
      await logout(page, { check: 'registry-admin' });
    });

    await withPage(env, 'registry-public', async (page) => {
      await visit(page, '/kim?q=lereng+welirang');
      const link = page.locator('#kim-results a', { hasText: NAME });
      assert.equal(await link.count(), 1, 'the verified KIM is in the public directory');
      await navigate(page, () => link.click());
      await checkPage(page, 'registry-public-profile');
      await visit(page, '/kim/map?region=35.14');
      await page.locator('.kim-map').waitFor({ state: 'visible' });
      await checkPage(page, 'registry-map');
    });

    await withPage(env, 'registry-stats', async (page) => {
      await login(page, USERS.jatim, { check: 'registry-stats' });
      await visit(page, '/kim/stats?region=35');
      assert.equal(await page.locator('table#stats tbody tr').count(), 38);
      await checkPage(page, 'registry-stats');
      await logout(page, { check: 'registry-stats' });
    });
  });
});
