// Journey: emergency alerts (issue 11), on a phone. The Kabupaten Pasuruan admin opens
// "Peringatan" from the menu, composes a landslide alert by choosing Kecamatan Prigen from the
// list, previews the short message and the KIMs it reaches, sends it, and opens the live
// board. The Prigen KIM officer, on their own phone, finds the alert on their dashboard and
// answers "Wilayah kami aman" with one tap; the admin's board shows it without a reload.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, describe, test } from 'node:test';

import { USERS, atPath, checkPage, linkTo, login, navigate, useServerAndBrowser, withPage } from '../lib/journey.mjs';
import { newPage, newPhoneContext } from '../lib/browser.mjs';

// A local tile server (every tile the same small grey PNG), so the map pickers can be opened
// and drawn on without the internet; the server is told of it before it starts.
const TILE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mN89+7dfwAJdAPZ0Qm9sAAAAABJRU5ErkJggg==',
  'base64',
);
const tiles = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
  res.end(TILE);
});
// Listening before the server starts (node:test runs root-level before() hooks concurrently).
await new Promise((ok) => tiles.listen(0, '127.0.0.1', ok));
process.env.SIMPUL_MAP_TILES = `http://127.0.0.1:${tiles.address().port}/{z}/{x}/{y}.png`;
after(() => tiles.close());

const env = useServerAndBrowser('alerts');
const OFFICER = 'kim.prigen.ketua';

describe('alerts', { timeout: 240_000 }, () => {
  test('an admin sends an alert by regions; the officer answers with one tap; the board shows it live', async () => {
    const admin = await newPhoneContext(env.browser, { baseURL: env.server.url });
    const board = await newPage(admin);
    try {
      await login(board, USERS.pasuruan);
      await navigate(board, async () => (await linkTo(board, 'nav.main', '/alerts')).click(), {
        url: atPath('/alerts'),
      });
      await checkPage(board, 'alerts-list-admin');
      await navigate(board, () => board.locator('#compose-link').click(), { url: atPath('/alerts/new') });
      const form = board.locator('form#compose-form');
      await form.locator('select[name=hazard]').selectOption({ label: 'Tanah longsor' });
      await form.locator('select[name=severity]').selectOption({ label: 'Berat' });
      await form.locator('input[name=headline]').fill('Potensi longsor di lereng Welirang');
      await form.locator('textarea[name=instruction]').fill('Jauhi tebing, siapkan jalur evakuasi.');
      await form.locator('#region-choices label', { hasText: 'Prigen' }).click();
      await checkPage(board, 'alerts-compose');
      await navigate(board, () => form.locator('#preview-button').click());
      assert.match(await board.locator('#sms-id').textContent(), /^LONGSOR: Potensi longsor/);
      assert.ok(Number(await board.locator('#preview-total').textContent()) >= 1);
      assert.match(await board.locator('#preview-kims').textContent(), /Di wilayah yang dipilih/);
      await checkPage(board, 'alerts-preview');
      await navigate(board, () => board.locator('#send-button').click());
      assert.match(await board.locator('#notice').textContent(), /Peringatan terkirim/);
      await navigate(board, () => board.locator('#board-link').click());
      assert.equal(await board.locator('#count-safe').textContent(), '0');
      await checkPage(board, 'alerts-board');
      const before = board.url();

      await withPage(env, 'alerts-officer', async (page) => {
        await login(page, OFFICER);
        // The dashboard's first "what to do next" is the alert.
        const next = page.locator('.kim-missing a', { hasText: 'Potensi longsor' });
        await navigate(page, () => next.first().click());
        assert.match(await page.locator('h1').textContent(), /Potensi longsor di lereng Welirang/);
        await checkPage(page, 'alerts-officer-alert');
        await navigate(page, () => page.locator('.ack-buttons button', { hasText: 'Wilayah kami aman' }).click());
        assert.match(await page.locator('#notice').textContent(), /Jawaban Anda tercatat/);
        assert.match(await page.locator('#my-status').textContent(), /Wilayah kami aman/);
        await checkPage(page, 'alerts-officer-answered');
      });

      // The board changed without a reload.
      await board.waitForFunction(() => document.querySelector('#count-safe')?.textContent === '1', null, {
        timeout: 15_000,
      });
      assert.equal(board.url(), before, 'no reload');
      assert.match(await board.locator('#board-table').textContent(), /Wilayah kami aman/);
      await checkPage(board, 'alerts-board-live');
    } finally {
      await admin.close().catch(() => {});
    }
  });

  test('an admin draws the area on the map: a circle centre and a polygon, closed by a button', async () => {
    await withPage(env, 'alerts-draw', async (page) => {
      await login(page, USERS.pasuruan);
      await navigate(page, async () => (await linkTo(page, 'nav.main', '/alerts')).click(), {
        url: atPath('/alerts'),
      });
      await navigate(page, () => page.locator('#compose-link').click(), { url: atPath('/alerts/new') });
      // The circle: its centre picked on the map.
      const circle = page.locator('details', { has: page.locator('#circle_lat') });
      await circle.locator('summary').click();
      await circle.locator('button.pick-map').click();
      const circleMap = circle.locator('.pick-area');
      await circleMap.locator('.leaflet-tile-loaded').first().waitFor();
      await circleMap.click({ position: { x: 120, y: 100 } });
      assert.match(await page.inputValue('#circle_lat'), /^-?\d+(\.\d+)?$/);
      assert.match(await page.inputValue('#circle_lon'), /^-?\d+(\.\d+)?$/);
      // The polygon: three taps and "close", written as CAP text into the field.
      const poly = page.locator('details', { has: page.locator('#polygon') });
      await poly.locator('summary').click();
      await poly.locator('button.pick-map').click();
      const polyMap = poly.locator('.pick-area');
      await polyMap.locator('.leaflet-tile-loaded').first().waitFor();
      for (const [x, y] of [[80, 80], [220, 90], [150, 200]]) {
        await polyMap.click({ position: { x, y } });
      }
      assert.match(await poly.locator('.pick-status').textContent(), /^3 titik sudut/);
      await poly.locator('button.pick-close').click();
      const corners = (await page.inputValue('#polygon')).split(' ');
      assert.equal(corners.length, 4);
      assert.equal(corners[3], corners[0], 'closed');
      await checkPage(page, 'alerts-draw');
    });
  });

  test('the public reads active alerts and their history, and the CAP feed', async () => {
    await withPage(env, 'alerts-public', async (page) => {
      await page.goto('/');
      await navigate(page, async () => (await linkTo(page, 'nav.main', '/peringatan')).click(), {
        url: atPath('/peringatan'),
      });
      assert.match(await page.locator('h1').textContent(), /Peringatan darurat/);
      assert.match(await page.locator('#past-alerts').textContent(), /Gempa M5,1/);
      await checkPage(page, 'alerts-public');
      await navigate(page, () => page.locator('#past-alerts a').first().click());
      await checkPage(page, 'alerts-public-show');
    });
  });
});
