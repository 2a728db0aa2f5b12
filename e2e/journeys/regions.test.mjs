// Journey: browse Indonesia → Jawa Timur → Kabupaten Pasuruan → Prigen by
// clicking links, then search "prigen" and open the result. No login needed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  atPath,
  checkPage,
  htmlLang,
  linkTo,
  navigate,
  texts,
  useServerAndBrowser,
  visit,
  withPage,
} from '../lib/journey.mjs';

const env = useServerAndBrowser('regions');

// Kemendagri code of Kecamatan Prigen as in data/regions/districts.csv.gz
// ("35.14.10,35.14,Prigen"); 35.14.13 there is Beji.
const PRIGEN = '35.14.10';

/** Click the link to `path` inside `scope` and wait until we are there. */
async function follow(page, scope, path, { text } = {}) {
  const link = await linkTo(page, scope, path);
  if (text) assert.match((await link.textContent()) ?? '', text, `link to ${path}`);
  const response = await navigate(page, () => link.click(), { url: atPath(path) });
  assert.equal(response?.status(), 200, `GET ${path} answered ${response?.status()}`);
}

async function h1(page) {
  return (await texts(page, 'h1'))[0] ?? '';
}

describe('regions', { timeout: 180_000 }, () => {
  test('browse down to Prigen, then search for it', async () => {
    await withPage(env, 'regions', async (page) => {
      // Indonesia: the 38 provinces.
      await visit(page, '/regions');
      assert.equal(await htmlLang(page), 'id');
      const provinces = await texts(page, 'ul#region-children li a');
      assert.equal(provinces.length, 38, `expected 38 provinces, got ${provinces.length}`);
      assert.ok(provinces.some((t) => t.includes('Jawa Timur')), 'Jawa Timur is listed');
      await page.locator('form#region-search input[name=q]').waitFor({ state: 'visible' });
      await checkPage(page, 'regions-indonesia');

      // → Jawa Timur
      await follow(page, 'ul#region-children', '/regions/35', { text: /Jawa Timur/ });
      assert.match(await h1(page), /Jawa Timur/);
      const crumbs35 = await texts(page, 'nav.breadcrumb a');
      assert.ok(crumbs35.some((t) => t.includes('Indonesia')), `breadcrumb ${JSON.stringify(crumbs35)}`);
      await checkPage(page, 'regions-35');

      // → Kabupaten Pasuruan
      await follow(page, 'ul#region-children', '/regions/35.14', { text: /Pasuruan/ });
      assert.match(await h1(page), /Kabupaten Pasuruan/);
      const crumbs = await texts(page, 'nav.breadcrumb a');
      const iIndo = crumbs.findIndex((t) => t.includes('Indonesia'));
      const iJatim = crumbs.findIndex((t) => t.includes('Jawa Timur'));
      assert.ok(iIndo >= 0 && iJatim > iIndo, `breadcrumb Indonesia → Jawa Timur, got ${JSON.stringify(crumbs)}`);
      await linkTo(page, 'nav.breadcrumb', '/regions/35'); // Jawa Timur crumb links up
      assert.ok((await texts(page, 'ul#region-children li a')).length > 0, 'kecamatan listed');
      await checkPage(page, 'regions-35.14');

      // → Prigen
      await follow(page, 'ul#region-children', `/regions/${PRIGEN}`, { text: /Prigen/ });
      assert.match(await h1(page), /Prigen/);
      const crumbsPrigen = await texts(page, 'nav.breadcrumb a');
      assert.ok(crumbsPrigen.some((t) => t.includes('Pasuruan')), `breadcrumb ${JSON.stringify(crumbsPrigen)}`);
      await checkPage(page, `regions-${PRIGEN}`);

      // Back to the top through the breadcrumb, then search (lowercase).
      await follow(page, 'nav.breadcrumb', '/regions', { text: /Indonesia/ });
      await checkPage(page, 'regions-indonesia-again');
      const q = page.locator('form#region-search input[name=q]');
      await q.fill('prigen');
      const response = await navigate(page, () => q.press('Enter'), { url: atPath('/regions/search') });
      assert.equal(response?.status(), 200);
      assert.equal(new URL(page.url()).searchParams.get('q'), 'prigen');
      const results = await texts(page, 'ul#region-results li a');
      assert.ok(results.some((t) => t.includes('Prigen')), `results ${JSON.stringify(results)}`);
      await checkPage(page, 'regions-search-prigen');

      // Open the result.
      await follow(page, 'ul#region-results', `/regions/${PRIGEN}`, { text: /Prigen/ });
      assert.match(await h1(page), /Prigen/);
      await checkPage(page, `regions-${PRIGEN}-from-search`);
    });
  });
});
