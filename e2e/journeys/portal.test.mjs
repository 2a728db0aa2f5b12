// Journey: village voices (issue 15), on a phone. The Prigen KIM officer writes a village-potential
// post from the KIM's page with a photo taken on the phone; the Kabupaten Pasuruan office finds it
// waiting on its dashboard and publishes it; a visitor without an account finds it by a search
// in Bahasa Indonesia (another form of the words) and on the "Potensi desa" map. The office sends
// a post back with a note; its writer corrects it on the phone and resubmits it. A citizen sends
// an aspiration without an account, placing it in a village with the cascading lists, and
// follows it by its tracking code.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { checkPage, htmxSettled, linkTo, login, navigate, useServerAndBrowser, visit, withPage } from '../lib/journey.mjs';

const env = useServerAndBrowser('portal');
const OFFICER = 'kim.prigen.ketua';
const OFFICE = 'kominfo.kab-pasuruan';
const TITLE = 'Curug Pelangi dikunjungi wisatawan setiap akhir pekan';

/** A real JPEG to upload: one of the demo's photos, as the server serves it. */
async function aPhoto() {
  const html = await (await fetch(`${env.server.url}/potensi`)).text();
  const m = html.match(/\/portal\/photos\/(\d+)/);
  assert.ok(m, 'the demo has a photo on /potensi');
  return Buffer.from(await (await fetch(`${env.server.url}/portal/photos/${m[1]}`)).arrayBuffer());
}

/**
 * Place the aspiration from what the picker offers: East Java if offered (else the first
 * province), then the first kabupaten/kota, kecamatan and desa of each list as htmx refreshes it.
 * Returns the village's name as the list shows it.
 */
async function chooseOfferedVillage(page) {
  let name = '';
  for (const sel of ['#v_province', '#v_regency', '#v_district', '#village']) {
    await page.locator(`${sel} option:not([value=""])`).first().waitFor({ state: 'attached' });
    const options = await page.locator(`${sel} option:not([value=""])`).evaluateAll(
      (os) => os.map((o) => ({ value: o.value, text: o.textContent.trim() })),
    );
    const choice = options.find((o) => /Jawa Timur/.test(o.text)) ?? options[0];
    await page.selectOption(sel, choice.value);
    await htmxSettled(page);
    name = choice.text;
  }
  await page.locator('#village-chosen').waitFor();
  return name;
}

describe('village voices', { timeout: 300_000 }, () => {
  test('an officer publishes village potential, the office reviews, a visitor finds it', async () => {
    const photo = await aPhoto();
    await withPage(env, 'portal-officer', async (page) => {
      await login(page, OFFICER);
      const kimLink = page.locator('.kim-card h2 a').first();
      await navigate(page, () => kimLink.click());
      await checkPage(page, 'portal-kim');
      await navigate(page, () => page.locator('#kim-new-post').click());
      await checkPage(page, 'portal-new');
      const form = page.locator('form#post-form');
      await form.locator('#kind').selectOption('potential');
      await form.locator('#category').selectOption('tourism');
      await form.locator('#title').fill(TITLE);
      await form.locator('#body').fill('Air terjun **berwarna pelangi** saat pagi. Jalan setapak 15 menit dari parkir.');
      await form.locator('#place_name').fill('Curug Pelangi Prigen');
      await form.locator('#price_range').fill('Tiket Rp10.000');
      await form.locator('#opening_hours').fill('07.00–16.00 WIB');
      await form.locator('#lat').fill('-7.7001');
      await form.locator('#lon').fill('112.6350');
      await form.locator('#photo_0').setInputFiles({ name: 'curug.jpg', mimeType: 'image/jpeg', buffer: photo });
      await form.locator('#alt_0').fill('Air terjun kecil di antara tebing berlumut');
      await form.locator('#caption_0').fill('Curug Pelangi pagi hari');
      await navigate(page, () => form.locator('#submit-post').click());
      assert.match(await page.locator('#notice').textContent(), /menunggu pemeriksaan/);
      assert.match(await page.locator('#post-status').textContent(), /Menunggu/);
      await checkPage(page, 'portal-pending');
    });

    await withPage(env, 'portal-office', async (page) => {
      await login(page, OFFICE);
      await navigate(page, async () => (await linkTo(page, '.region-card', '/portal/review')).click());
      await checkPage(page, 'portal-review');
      await navigate(page, () => page.locator('#pending-posts a', { hasText: TITLE }).click());
      await navigate(page, () => page.locator('#publish').click());
      assert.match(await page.locator('#notice').textContent(), /diterbitkan/);
    });

    await withPage(env, 'portal-visitor', async (page) => {
      await visit(page, '/portal');
      await checkPage(page, 'portal-home');
      // Another form of the words: "kunjungan wisata" finds "dikunjungi wisatawan".
      await page.locator('#q').fill('kunjungan wisata curug');
      await navigate(page, () => page.locator('#portal-search button[type=submit]').click());
      const hit = page.locator('#posts a', { hasText: TITLE });
      await hit.first().waitFor();
      await navigate(page, () => hit.first().click());
      await checkPage(page, 'portal-post');
      assert.equal(await page.locator('meta[property="og:title"]').getAttribute('content'), TITLE);
      assert.equal(await page.locator('figure img').first().getAttribute('alt'), 'Air terjun kecil di antara tebing berlumut');
      // On the map of village potential (the list below it works without JavaScript).
      await visit(page, '/potensi/map?category=tourism');
      await page.locator('#posts a', { hasText: TITLE }).first().waitFor();
      const geo = await (await fetch(`${env.server.url}/potensi/map.geojson?category=tourism`)).json();
      assert.ok(geo.features.some((f) => f.properties.name === 'Curug Pelangi Prigen'));
      await checkPage(page, 'portal-map');
    });
  });

  test('the office sends a post back, its writer corrects and resubmits it', async () => {
    const title = 'Gotong royong memperbaiki talud Dusun Ledug';
    await withPage(env, 'portal-writer', async (page) => {
      await login(page, OFFICER);
      await navigate(page, async () => (await linkTo(page, 'main', '/portal/mine')).click());
      await navigate(page, () => page.locator('#new-post').click());
      const form = page.locator('form#post-form');
      await form.locator('#kind').selectOption('news');
      await form.locator('#category').selectOption('farming');
      await form.locator('#title').fill(title);
      await form.locator('#body').fill('Warga memperbaiki talud yang longsor.');
      await navigate(page, () => form.locator('#submit-post').click());
      assert.match(await page.locator('#post-status').textContent(), /Menunggu/);
    });

    await withPage(env, 'portal-send-back', async (page) => {
      await login(page, OFFICE);
      await navigate(page, async () => (await linkTo(page, '.region-card', '/portal/review')).click());
      await navigate(page, () => page.locator('#pending-posts a', { hasText: title }).click());
      await page.locator('#note').fill('Sebutkan dusun dan jumlah warga yang ikut.');
      await navigate(page, () => page.locator('button[value=send_back]').click());
      assert.match(await page.locator('#notice').textContent(), /dikembalikan/);
    });

    await withPage(env, 'portal-correct', async (page) => {
      await login(page, OFFICER);
      await navigate(page, async () => (await linkTo(page, 'main', '/portal/mine')).click());
      const item = page.locator('#my-posts li', { hasText: title });
      assert.match(await item.textContent(), /Sebutkan dusun dan jumlah warga/);
      await checkPage(page, 'portal-mine-sent-back');
      await navigate(page, () => item.locator('a.button').click());
      await checkPage(page, 'portal-edit');
      assert.match(await page.locator('#review-note').textContent(), /Sebutkan dusun/);
      const form = page.locator('form#post-form');
      assert.equal(await form.locator('#title').inputValue(), title);
      await form.locator('#body').fill('Empat puluh warga Dusun Ledug memperbaiki talud sepanjang 30 meter.');
      await navigate(page, () => form.locator('#submit-post').click());
      assert.match(await page.locator('#notice').textContent(), /terkirim ulang/);
      assert.match(await page.locator('#post-status').textContent(), /Menunggu/);
    });
  });

  test('a citizen sends an aspiration and follows it by code', async () => {
    await withPage(env, 'portal-citizen', async (page) => {
      await visit(page, '/aspirasi');
      await checkPage(page, 'aspiration-form');
      const form = page.locator('form#aspiration-form');
      await form.locator('#category').selectOption('infrastructure');
      await form.locator('#description').fill('Lampu penerangan jalan di depan balai desa mati sejak dua minggu.');
      const village = await chooseOfferedVillage(page);
      assert.match(await page.locator('#village-chosen').textContent(), new RegExp(village));
      await checkPage(page, 'aspiration-village');
      await form.locator('#contact').fill('0812 3333 4444');
      await navigate(page, () => form.locator('#send-aspiration').click());
      const code = (await page.locator('#tracking-code').textContent()).trim();
      assert.match(code, /^ASP-[2-9A-HJKMNP-Z]{12}$/);
      await navigate(page, () => page.locator('#track-link').click());
      assert.match(await page.locator('#status').textContent(), /Diterima/);
      assert.doesNotMatch(await page.locator('main').textContent(), /0812 3333 4444/);
      await checkPage(page, 'aspiration-track');
    });
  });
});
