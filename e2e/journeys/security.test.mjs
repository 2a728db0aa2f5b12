// Journey: the screens of the security review (issue 8), as people reach them on a phone.
// A KIM officer changes their password from the dashboard (wrong current password first; the
// other browser is signed out afterwards); a forgotten-password request lands in the outbox,
// where the provincial admin sees the mail but never its secret link. An officer invites a new
// treasurer; the account they create is a member's until the kabupaten admin, told on their
// dashboard, approves the officer role.
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
// The officer's password after the first journey changes it.
const NEW_PASSWORD = 'kata-sandi-baru-2026';

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
        await form.locator('input[name=password]').fill(NEW_PASSWORD);
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

  test('an officer invites a treasurer; the kabupaten admin approves the officer role', async () => {
    let invite;
    await withPage(env, 'approve-invite', async (page) => {
      await login(page, OFFICER, { password: NEW_PASSWORD });
      // Dashboard → the KIM → its members.
      await navigate(page, () => page.locator('main h2 a').first().click());
      await navigate(page, async () => (await page.locator('main a[href$="/members"]').first()).click());
      const form = page.locator('form#member-form');
      await form.locator('input[name=name]').fill('Sari Bendahara');
      await form.locator('select[name=role]').selectOption('bendahara');
      await navigate(page, () => form.locator('button[type=submit]').click());
      await navigate(page, () => page.locator('table#members a', { hasText: 'Sari Bendahara' }).click());
      await navigate(page, () => page.locator('form#invite-form button[type=submit]').click());
      invite = (await page.locator('#invite-link').textContent()).trim();
      await checkPage(page, 'approve-invite-link');
    });
    // The treasurer follows the link they were sent.
    await withPage(env, 'approve-accept', async (page) => {
      await visit(page, new URL(invite).pathname);
      await page.locator('input[name=username]').fill('sari.bendahara');
      await page.locator('input[name=password]').fill('rahasia-sari-2026');
      await navigate(page, () => page.locator('form#invite-accept button[type=submit]').click());
      assert.equal(pathOf(page), '/login');
    });
    await withPage(env, 'approve-admin', async (page) => {
      await login(page, USERS.pasuruan);
      await navigate(page, () =>
        page.locator('main a', { hasText: 'Persetujuan peran pengurus KIM' }).first().click(),
      );
      const pending = page.locator('#officer-pending');
      assert.match(await pending.textContent(), /menunggu persetujuan/);
      await checkPage(page, 'approve-pending');
      await navigate(page, () => pending.locator('button[type=submit]').click());
      assert.match(await page.locator('main .notice').first().textContent(), /Peran pengurus disetujui/);
      await checkPage(page, 'approve-done');
    });
  });
});
