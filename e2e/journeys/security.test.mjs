// Journey: the screens of the security review (issue 8), as people reach them on a phone.
// A KIM officer changes their password from the dashboard (wrong current password first; the
// other browser is signed out afterwards); a forgotten-password request lands in the outbox,
// where the provincial admin sees the mail but never its secret link.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  DEMO_PASSWORD,
  USERS,
  atPath,
  checkPage,
  linkTo,
  login,
  navigate,
  pathOf,
  useServerAndBrowser,
  visit,
  withPage,
} from '../lib/journey.mjs';
import { newPhoneContext } from '../lib/browser.mjs';

const env = useServerAndBrowser('security');
const OFFICER = 'kim.prigen.ketua';

describe('security', { timeout: 180_000 }, () => {
  test('an officer changes their password; their other browser is signed out', async () => {
    // A second browser, signed in before the change.
    const other = await newPhoneContext(env.browser, { baseURL: env.server.url });
    const otherPage = await other.newPage();
    try {
      await login(otherPage, OFFICER);

      await withPage(env, 'password-change', async (page) => {
        await login(page, OFFICER);
        await navigate(page, async () => (await linkTo(page, 'main', '/account/password')).click(), {
          url: atPath('/account/password'),
        });
        assert.match(await page.locator('h1').textContent(), /Ubah kata sandi/);
        await checkPage(page, 'password-change-form');

        const form = page.locator('form#password-form');
        await form.locator('input[name=current]').fill('bukan-kata-sandinya');
        await form.locator('input[name=password]').fill('kata-sandi-baru-2026');
        await navigate(page, () => form.locator('button[type=submit]').click());
        assert.match(await page.locator('#current-error').textContent(), /Kata sandi saat ini salah/);
        await checkPage(page, 'password-change-wrong');

        await form.locator('input[name=current]').fill(DEMO_PASSWORD);
        await form.locator('input[name=password]').fill('kata-sandi-baru-2026');
        await navigate(page, () => form.locator('button[type=submit]').click());
        assert.equal(pathOf(page), '/account/password');
        assert.match(await page.locator('.notice').textContent(), /Kata sandi sudah diubah/);
        await checkPage(page, 'password-change-done');

        // This browser stays signed in; the other one is sent to the login form.
        await visit(page, '/dashboard');
        assert.equal(pathOf(page), '/dashboard');
        await otherPage.goto('/dashboard');
        assert.equal(pathOf(otherPage), '/login', 'the other session ended');
      });
    } finally {
      await other.close().catch(() => {});
    }
  });

  test('the outbox shows a reset mail without its link', async () => {
    await withPage(env, 'outbox', async (page) => {
      // Someone asks for a new password from the login page.
      await visit(page, '/login');
      await navigate(page, async () => (await linkTo(page, 'main', '/password/forgot')).click());
      await page.locator('input[name=who]').fill('kominfo.kota-surabaya');
      await navigate(page, () => page.locator('main form button[type=submit]').click());

      await login(page, USERS.jatim);
      await navigate(page, async () => (await linkTo(page, 'body', '/admin/outbox')).click(), {
        url: atPath('/admin/outbox'),
      });
      const outbox = await page.locator('#outbox').textContent();
      assert.match(outbox, /kominfo\.kota-surabaya@demo\.simpul\.id/);
      assert.match(outbox, /tautan rahasia, hanya untuk penerima/);
      assert.doesNotMatch(outbox, /\/password\/reset\//);
      await checkPage(page, 'outbox-redacted');
    });
  });
});
