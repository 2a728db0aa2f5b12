// Journey: log in and out in Indonesian, switch to English and do it again;
// a wrong password shows .form-error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  USERS,
  checkPage,
  htmlLang,
  login,
  logout,
  navigate,
  pathOf,
  texts,
  useServerAndBrowser,
  visit,
  withPage,
} from '../lib/journey.mjs';

const env = useServerAndBrowser('login_logout');

/** Click a[hreflang=lang] in the header; it sets a cookie and redirects back. */
async function switchLanguage(page, lang) {
  const before = pathOf(page);
  const response = await navigate(page, () => page.locator(`a[hreflang="${lang}"]`).first().click());
  assert.equal(response?.status(), 200, `language switch landed on status ${response?.status()}`);
  assert.equal(pathOf(page), before, `language switch should redirect back to ${before}`);
  assert.equal(await htmlLang(page), lang, `<html lang> after clicking a[hreflang="${lang}"]`);
}

async function submitText(page) {
  return (await texts(page, 'form#login-form button[type=submit]'))[0];
}

describe('login and logout', { timeout: 180_000 }, () => {
  test('a wrong password re-renders the form with .form-error', async () => {
    await withPage(env, 'wrong-password', async (page) => {
      await visit(page, '/login');
      assert.equal(await htmlLang(page), 'id');
      const form = page.locator('form#login-form');
      await form.locator('input[name=username]').fill(USERS.jatim);
      await form.locator('input[name=password]').fill('not-the-password');
      const response = await navigate(page, () => form.locator('button[type=submit]').click());
      assert.ok(
        [401, 422].includes(response?.status()),
        `wrong password answered ${response?.status()}, expected 401 or 422`,
      );
      await page.locator('.form-error').first().waitFor({ state: 'visible' });
      assert.equal(await page.locator('form#login-form').count(), 1, 'login form re-rendered');
      assert.equal(await page.locator('#current-user').count(), 0, 'not logged in');
      assert.equal(await htmlLang(page), 'id');
      await checkPage(page, 'login-wrong-password-id');
    });
  });

  test('Indonesian, then English: log in and out', async () => {
    await withPage(env, 'login-logout', async (page) => {
      // --- Bahasa Indonesia (default) ---
      await visit(page, '/login');
      assert.equal(await htmlLang(page), 'id');
      assert.equal(await submitText(page), 'Masuk', 'Indonesian submit button text');
      await login(page, USERS.jatim, { check: 'id' }); // checks id-login, id-dashboard
      assert.equal(await htmlLang(page), 'id');
      await logout(page, { check: 'id' }); // checks id-logged-out
      assert.equal(await htmlLang(page), 'id');

      // --- switch to English ---
      await switchLanguage(page, 'en');
      await checkPage(page, 'en-switched');
      await navigate(page, () => page.locator('a[href="/login"]:visible').first().click(), {
        url: (u) => u.pathname === '/login',
      });
      assert.equal(await htmlLang(page), 'en');
      assert.equal(await submitText(page), 'Log in', 'English submit button text');
      await login(page, USERS.jatim, { check: 'en' });
      assert.equal(await htmlLang(page), 'en', 'language survives login');
      await logout(page, { check: 'en' });
      assert.equal(await htmlLang(page), 'en', 'language survives logout');

      // --- and back to Indonesian ---
      await switchLanguage(page, 'id');
      await visit(page, '/login');
      assert.equal(await htmlLang(page), 'id');
      assert.equal(await submitText(page), 'Masuk', 'Indonesian again after switching back');
      await checkPage(page, 'id-again-login');
    });
  });
});
