// Journey: admin pages for a provincial admin and a kabupaten admin; the
// region pages stay public.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  USERS,
  checkPage,
  login,
  logout,
  pathOf,
  texts,
  useServerAndBrowser,
  visit,
  withPage,
} from '../lib/journey.mjs';

const env = useServerAndBrowser('admin');

async function rowCount(page, table) {
  return page.locator(`${table} tbody tr`).count();
}

describe('admin', { timeout: 180_000 }, () => {
  test('kominfo.jatim sees the users and audit tables', async () => {
    await withPage(env, 'admin-jatim', async (page) => {
      await login(page, USERS.jatim, { check: 'admin-jatim' });

      await visit(page, '/admin/users');
      await page.locator('table#users').waitFor({ state: 'visible' });
      assert.ok((await rowCount(page, 'table#users')) >= 1, 'table#users lists at least one account');
      const users = (await texts(page, 'table#users')).join(' ');
      assert.ok(users.includes(USERS.jatim), 'the provincial admin is listed among the accounts');
      assert.match(await page.locator('#current-user').textContent(), /kominfo\.jatim/);
      await checkPage(page, 'admin-jatim-users');

      await visit(page, '/admin/audit');
      await page.locator('ol#audit').waitFor({ state: 'visible' });
      await checkPage(page, 'admin-jatim-audit');

      await logout(page, { check: 'admin-jatim' });
    });
  });

  test('kominfo.kab-pasuruan reaches the audit log; /regions is public', async () => {
    await withPage(env, 'admin-pasuruan', async (page) => {
      await login(page, USERS.pasuruan, { check: 'admin-pasuruan' });

      await visit(page, '/admin/audit');
      await page.locator('ol#audit').waitFor({ state: 'visible' });
      await checkPage(page, 'admin-pasuruan-audit');

      await logout(page, { check: 'admin-pasuruan' });

      // Anonymous: the region pages are public…
      const response = await visit(page, '/regions');
      assert.equal(pathOf(page), '/regions', 'no redirect to /login');
      assert.equal(response.status(), 200);
      assert.equal(await page.locator('#current-user').count(), 0);
      assert.equal((await texts(page, 'ul#region-children li a')).length, 38);
      await checkPage(page, 'anonymous-regions');

      // …but the audit log is not.
      await visit(page, '/admin/audit', { status: null });
      assert.equal(await page.locator('ol#audit').count(), 0, 'anonymous visitor must not see table#audit');
      await checkPage(page, 'anonymous-admin-audit');
    });
  });
});
