// Journey: notifications (issue 9), on a phone. A KIM officer opens "Notifikasi" from the menu,
// tries to switch emergency alerts off entirely (refused, with the reason next to the choice),
// keeps them on by e-mail, and sends themself a test: on their other open page the test appears
// within seconds without reloading. The kabupaten admin reads the delivery log, filtered by a
// channel chosen from the list, and finds the office's messaging gateway from there; the
// provincial admin reads the job queue.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  USERS,
  atPath,
  checkPage,
  linkTo,
  login,
  navigate,
  pathOf,
  useServerAndBrowser,
  withPage,
} from '../lib/journey.mjs';
import { newPage, newPhoneContext } from '../lib/browser.mjs';

const env = useServerAndBrowser('notifications');
const OFFICER = 'kim.prigen.ketua';

describe('notifications', { timeout: 180_000 }, () => {
  test('an officer chooses channels, and a test appears live on their other page', async () => {
    // The officer's other page: the dashboard, left open.
    const other = await newPhoneContext(env.browser, { baseURL: env.server.url });
    const otherPage = await newPage(other);
    try {
      await login(otherPage, OFFICER);
      await withPage(env, 'notifications-settings', async (page) => {
        await login(page, OFFICER);
        await navigate(page, async () => (await linkTo(page, 'nav.main', '/account/notifications')).click(), {
          url: atPath('/account/notifications'),
        });
        assert.match(await page.locator('h1').textContent(), /Notifikasi/);
        await checkPage(page, 'notifications-page');

        // Every alert channel unticked: refused, the reason at the alert choices.
        const alert = page.locator('#kind-alert');
        for (const box of await alert.locator('input[type=checkbox]:not([disabled])').all()) {
          await box.uncheck();
        }
        const form = page.locator('form#settings-form');
        await navigate(page, () => form.locator('button[type=submit]').click());
        assert.match(await page.locator('#kind-alert-error').textContent(), /minimal satu saluran lain/);
        await checkPage(page, 'notifications-refused');

        await page.locator('#kind-alert input[value=email]').check();
        await navigate(page, () => page.locator('form#settings-form button[type=submit]').click(), {
          url: atPath('/account/notifications'),
        });
        assert.match(await page.locator('.notice').textContent(), /Pilihan notifikasi disimpan/);

        // The test, sent from this page, shows on the other one without a reload.
        const before = otherPage.url();
        await navigate(page, () => page.locator('form#test-form button[type=submit]').click());
        assert.match(await page.locator('.notice').textContent(), /Percobaan dikirim/);
        const toast = otherPage.locator('#live-region .toast');
        await toast.first().waitFor({ state: 'visible', timeout: 10_000 });
        assert.match(await toast.first().textContent(), /Percobaan notifikasi Simpul/);
        assert.equal(otherPage.url(), before, 'no reload');
        assert.match(await otherPage.locator('#nav-unread').textContent(), /^[1-9]/);
        await checkPage(otherPage, 'notifications-live-toast');

        // Back on the settings page, the inbox lists it.
        await page.reload();
        assert.match(await page.locator('#notification-list').textContent(), /Percobaan notifikasi Simpul/);
        assert.match(await page.locator('#own-deliveries').textContent(), /Di aplikasi/);
        await checkPage(page, 'notifications-inbox');
      });
    } finally {
      await other.close().catch(() => {});
    }
  });

  test('the kabupaten admin reads the delivery log and finds the gateway settings', async () => {
    await withPage(env, 'notifications-admin', async (page) => {
      await login(page, USERS.pasuruan);
      await navigate(page, async () => (await linkTo(page, 'nav.main', '/admin/deliveries')).click(), {
        url: atPath('/admin/deliveries'),
      });
      assert.match(await page.locator('h1').textContent(), /Log pengiriman/);
      await page.locator('select#channel').selectOption({ label: 'Di aplikasi' });
      await navigate(page, () => page.locator('form.filters button[type=submit]').click());
      assert.match(page.url(), /channel=app/);
      await checkPage(page, 'deliveries-filtered');

      await navigate(page, async () => (await linkTo(page, 'main', '/admin/gateways')).click(), {
        url: atPath('/admin/gateways'),
      });
      assert.match(await page.locator('h1').textContent(), /Gateway pesan kantor/);
      // A wrong address is refused at the field, the typed text kept.
      await page.locator('#url').fill('ftp://relay');
      await navigate(page, () => page.locator('form#gateway-form button[type=submit]').click());
      assert.match(await page.locator('#url-error').textContent(), /https:\/\//);
      assert.equal(await page.locator('#url').inputValue(), 'ftp://relay');
      await page.locator('#url').fill('https://relay.pasuruankab.go.id/simpul');
      await navigate(page, () => page.locator('form#gateway-form button[type=submit]').click());
      assert.match(await page.locator('#new-secret').textContent(), /whsec_/);
      await checkPage(page, 'gateway-saved');
      assert.equal(pathOf(page), '/admin/gateways');
    });
  });

  test('the provincial admin reads the job queue', async () => {
    await withPage(env, 'notifications-jobs', async (page) => {
      await login(page, USERS.jatim);
      await navigate(page, async () => (await linkTo(page, 'nav.main', '/admin/jobs')).click(), {
        url: atPath('/admin/jobs'),
      });
      assert.match(await page.locator('h1').textContent(), /Antrean tugas/);
      await navigate(page, async () => (await linkTo(page, '#job-counts', '/admin/jobs')).click());
      await checkPage(page, 'jobs-page');
    });
  });
});
