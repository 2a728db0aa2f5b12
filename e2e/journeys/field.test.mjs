// Issue 10, the registry in the field, walked as people do on a phone: a villager finds the
// KIMs of their kabupaten from the home page; the KIM officer and the admins see what to do
// next on their dashboards; a KIM is registered choosing the village by name; the kabupaten
// admin verifies it after a confirmation step and sees its history and number.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { USERS, checkPage, htmxSettled, linkTo, login, logout, navigate, visit, withPage, useServerAndBrowser } from '../lib/journey.mjs';

const env = useServerAndBrowser('field');
const NAME = 'KIM Kabar Lereng Arjuno';

/** Choose from a select and wait for htmx to bring the next one. */
async function choose(page, select, label, next) {
  await page.selectOption(select, { label });
  await htmxSettled(page);
  if (next) await page.locator(next).waitFor({ state: 'visible' });
}

describe('The registry in the field', { timeout: 300_000 }, () => {
  test('1. a villager finds the KIMs of their kabupaten', async () => {
    await withPage(env, 'field-villager', async (page) => {
      await visit(page, '/');
      await navigate(page, () => page.click('#home-kim'));
      await checkPage(page, 'field-directory');
      await choose(page, '#province', 'Jawa Timur', '#regency');
      await choose(page, '#regency', 'Kabupaten Pasuruan', '#district');
      await page.waitForFunction(() => /Pasuruan/.test(document.querySelector('#kim-results')?.textContent ?? ''));
      assert.match(page.url(), /regency=35\.14/);
      await checkPage(page, 'field-directory-pasuruan');
      // Searching a place: "KIM di Kecamatan Prigen".
      await visit(page, '/kim');
      await page.fill('#q', 'Prigen');
      await navigate(page, () => page.click('#kim-filter button[type=submit]'));
      const place = page.locator('#kim-places a', { hasText: 'KIM di Kecamatan Prigen' });
      await checkPage(page, 'field-search-place');
      await navigate(page, () => place.click());
      assert.ok((await page.locator('#kim-results li').count()) > 0);
      // Nothing found: what to try and a reset.
      await page.fill('#q', 'zzqxw');
      await navigate(page, () => page.click('#kim-filter button[type=submit]'));
      await page.locator('#kim-empty').waitFor();
      await checkPage(page, 'field-search-empty');
      await navigate(page, () => page.click('#kim-reset'));
      // A region page leads to its KIMs.
      await visit(page, '/regions/35.14');
      await navigate(page, () => page.click('#region-kims'));
      assert.match(page.url(), /region=35\.14/);
    });
  });

  test('2-4. dashboards, registering by village name, verifying with confidence', async () => {
    let kimPath;
    await withPage(env, 'field-officer', async (page) => {
      await login(page, 'kim.prigen.ketua');
      const card = page.locator('.kim-card').first();
      await card.waitFor();
      assert.match(await card.textContent(), /Scan SK pembentukan/);
      await checkPage(page, 'field-officer-dashboard');
      await navigate(page, () => card.locator('h2 a').click());
      await checkPage(page, 'field-officer-profile');
      await logout(page);
    });

    await withPage(env, 'field-register', async (page) => {
      await login(page, USERS.pasuruan);
      await navigate(page, () => page.click('a[href="/kim"]'));
      await navigate(page, () => page.click('a[href="/kim/new"]'));
      await page.fill('#name', NAME);
      // A misspelt village name: the nearest official names are offered.
      await page.fill('#village_q', 'Prigan');
      await page.locator('#village-hits').waitFor();
      assert.match(await page.locator('#village-hits-label').textContent(), /Mungkin maksud Anda/);
      await checkPage(page, 'field-register-suggest');
      await page.locator('#village-hits label', { hasText: 'Desa/Kelurahan Prigen' }).first().click();
      await page.locator('#village-chosen').waitFor();
      assert.match(await page.locator('#village-chosen').textContent(), /Prigen, Kabupaten Pasuruan/);
      assert.equal(await page.inputValue('#name'), NAME, 'typed values are kept');
      await checkPage(page, 'field-register-chosen');
      await navigate(page, () => page.click('button[name=submit][value="1"]'));
      kimPath = new URL(page.url()).pathname;
      assert.match(kimPath, /^\/kim\/\d+$/);
      // The kabupaten admin's dashboard now says what waits.
      await navigate(page, () => page.click('a[href="/dashboard"]'));
      const pending = page.locator('a.pending-link');
      assert.match(await pending.textContent(), /KIM menunggu verifikasi/);
      await checkPage(page, 'field-admin-dashboard');
      await navigate(page, () => pending.click());
      const link = await linkTo(page, '#kim-results', kimPath);
      await navigate(page, () => link.click());
      assert.equal(await page.locator('#kim-sk-missing').count(), 1);
      await checkPage(page, 'field-admin-profile');
      await navigate(page, () => page.click('form.transition-form:has(input[value=verify]) button'));
      await checkPage(page, 'field-confirm-verify');
      await navigate(page, () => page.click('#confirm-form button[type=submit]'));
      assert.match(await page.locator('.notice').first().textContent(), /sudah terverifikasi/);
      assert.match(await page.locator('#kim-history').textContent(), /Terverifikasi, nomor KIM-35\.14\.10/);
      await checkPage(page, 'field-verified');
      await logout(page);
    });

    await withPage(env, 'field-province', async (page) => {
      await login(page, USERS.jatim);
      const overview = page.locator('a.overview-link').first();
      assert.match(await overview.textContent(), /desa punya KIM aktif/);
      await checkPage(page, 'field-province-dashboard');
      await logout(page);
    });
  });
});
