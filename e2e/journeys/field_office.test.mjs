// Issue 10, journeys 5-8, walked as people do on a phone: the kabupaten office imports the list
// it already keeps (its own headers, its dates, a column it must say what to do with), sees a
// report it can read and follows each row to its KIM; exports the directory it filtered; a
// villager reads the coverage statistics and the map; the office reads its audit log.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { USERS, checkPage, linkTo, login, navigate, visit, withPage, useServerAndBrowser } from '../lib/journey.mjs';

const env = useServerAndBrowser('field-office');

// An office's list as Excel leaves it: a row number, its own titles, dates three ways, topics and
// statuses in Bahasa Indonesia, the leader's name and phone, and a column of its own.
const OFFICE_CSV = [
  'No;Nama KIM;Desa/Kelurahan;Kecamatan;Kab/Kota;Nama Ketua;No HP Ketua;Persetujuan;Tgl SK;Nomor SK;Bidang;Status;Catatan Petugas',
  '1;KIM Sumber Kabar Ledug;Ledug;Prigen;Kab. Pasuruan;Siti Aminah;0812-3456-7001;Ya;12 Maret 2021;188/1/2021;Kesehatan, Pertanian;Aktif;dicek Maret',
  '2;KIM Warta Jatiarjo;Jatiarjo;Prigen;Kab. Pasuruan;Budi Santoso;0812-3456-7002;;1/5/2019;;UMKM;;',
  '3;KIM Suara Lumbangrejo;Lumbangrejo;Prigen;Kab. Pasuruan;;;;05-06-20;;Literasi Digital;Diajukan;',
].join('\r\n');

/** Choose an option of a select by its visible text, as a person does. */
async function chooseLabel(page, select, label) {
  await page.selectOption(select, { label });
}

describe('The office in the field', { timeout: 300_000 }, () => {
  test('5. the kabupaten office imports the list it already keeps', async () => {
    await withPage(env, 'office-import', async (page) => {
      await login(page, USERS.pasuruan);
      await navigate(page, () => page.click('nav.main a[href="/kim"]'));
      await navigate(page, () => page.click('a[href="/kim/import"]'));
      await checkPage(page, 'office-import-form');
      await page.setInputFiles('#file', {
        name: 'daftar-kim-kab-pasuruan.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(OFFICE_CSV),
      });
      await navigate(page, () => page.click('#import-form button[type=submit]'));
      // "Catatan Petugas" is no column of ours: the office says what it holds.
      await page.locator('#import-columns').waitFor({ timeout: 30_000 });
      await checkPage(page, 'office-import-columns');
      const labels = await page.locator('#import-columns label').allTextContents();
      const notes = labels.findIndex((l) => l.includes('Catatan Petugas'));
      assert.ok(notes >= 0, labels.join(' | '));
      // Recognised columns arrive chosen.
      assert.equal(await page.locator('#col_4 option:checked').textContent(), 'Kabupaten/kota');
      assert.equal(await page.locator('#col_6 option:checked').textContent(), 'No HP ketua');
      await chooseLabel(page, `#col_${notes}`, '— tidak diimpor —');
      await navigate(page, () => page.click('#import-columns button[type=submit]'));
      await page.locator('#import-summary').waitFor({ timeout: 30_000 });
      const summary = await page.locator('#import-summary').textContent();
      assert.match(summary, /3 baris: 3 siap disimpan/, summary);
      // A leader without recorded consent is the contact only, and the report says so in words.
      const report = await page.locator('#import-report').textContent();
      assert.match(report, /persetujuannya belum tercatat/);
      assert.doesNotMatch(report, /error\.|nama_kim|telepon_ketua/);
      await checkPage(page, 'office-import-checked');
      await navigate(page, () => page.click('#import-commit button'));
      await page.locator('#import-summary').waitFor({ timeout: 30_000 });
      assert.match(await page.locator('#import-summary').textContent(), /3 KIM tersimpan/);
      await checkPage(page, 'office-import-done');
      // Every row leads to the KIM it created.
      const link = page.locator('#import-report a', { hasText: 'KIM Sumber Kabar Ledug' });
      await navigate(page, () => link.click());
      const profile = await page.locator('main').textContent();
      assert.match(profile, /12 Maret 2021/, 'the SK date read as written, shown as Indonesians write it');
      assert.match(profile, /Aktif/);
      await checkPage(page, 'office-import-kim');
      // The members list has the leader, whose consent was recorded.
      await navigate(page, () => page.click('a[href$="/members"]'));
      assert.match(await page.locator('main').textContent(), /Siti Aminah/);
    });
  });

  test('5. the template example row left in place is caught', async () => {
    await withPage(env, 'office-import-example', async (page) => {
      await login(page, USERS.pasuruan);
      await visit(page, '/kim/import');
      const download = page.waitForEvent('download');
      await page.click('a[href="/kim/import/template.csv"]');
      const saved = await download;
      const buffer = (await import('node:fs')).readFileSync(await saved.path());
      await page.setInputFiles('#file', { name: saved.suggestedFilename(), mimeType: 'text/csv', buffer });
      await navigate(page, () => page.click('#import-form button[type=submit]'));
      await page.locator('#import-summary').waitFor({ timeout: 30_000 });
      assert.match(await page.locator('#import-report').textContent(), /baris contoh dari templat/);
      assert.equal(await page.locator('#import-commit').count(), 0, 'nothing to save');
      await checkPage(page, 'office-import-example');
    });
  });

  test('6. the export follows the filter and keeps phones as text', async () => {
    await withPage(env, 'office-export', async (page) => {
      await login(page, USERS.pasuruan);
      await navigate(page, () => page.click('nav.main a[href="/kim"]'));
      await page.fill('#q', 'Prigen');
      await navigate(page, () => page.click('#kim-filter button[type=submit]'));
      await navigate(page, () => page.locator('#kim-places a', { hasText: 'KIM di Kecamatan Prigen' }).click());
      const csvLink = page.locator('a.button', { hasText: 'CSV' });
      assert.match(await csvLink.getAttribute('href'), /region=35\.14\.10/);
      const download = page.waitForEvent('download');
      await csvLink.click();
      const csv = (await import('node:fs')).readFileSync(await (await download).path(), 'utf8');
      const [head, ...rows] = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
      assert.match(head, /^"Nama KIM","Kode Desa","Desa\/Kelurahan"/);
      assert.ok(rows.length > 0 && rows.every((r) => r.includes(',35.14.10.')), 'only Prigen');
      assert.ok(!/\+62/.test(csv), 'phones written as 0812-…, text for Excel');
    });
  });

  test('7. a villager reads the coverage statistics and the map', async () => {
    await withPage(env, 'office-stats', async (page) => {
      await visit(page, '/');
      await navigate(page, () => page.click('nav.main a[href="/kim/stats"]'));
      await checkPage(page, 'office-stats-indonesia');
      await navigate(page, () => page.locator('table#stats a', { hasText: 'Jawa Timur' }).click());
      const summary = await page.locator('main > p').first().textContent();
      assert.match(summary, /\d+(\.\d{3})* KIM; .*\(\d+,\d%\)/, `Indonesian numbers: ${summary}`);
      const first = page.locator('table#stats tbody th').first();
      assert.equal(await first.evaluate((e) => getComputedStyle(e).position), 'sticky');
      await checkPage(page, 'office-stats-jatim');
      await navigate(page, () => page.locator('table#stats a', { hasText: 'Kabupaten Pasuruan' }).click());
      // Links a visitor is offered lead somewhere: the breadcrumb back to the province.
      await navigate(page, () => page.locator('.breadcrumb a', { hasText: 'Jawa Timur' }).click());
      assert.match(page.url(), /region=35$/);
      // The map: a legend, the labelled kabupaten, and the same KIMs as a list.
      await visit(page, '/kim?regency=35.14&province=35');
      await navigate(page, () => page.click('a[href^="/kim/map"]'));
      await page.locator('.map-legend').waitFor();
      await page.locator('.regency-label', { hasText: 'Kabupaten Pasuruan' }).waitFor({ timeout: 15_000 });
      assert.ok((await page.locator('.map-list li').count()) > 0);
      await checkPage(page, 'office-map');
      await navigate(page, () => page.locator('.map-list a').first().click());
      assert.match(page.url(), /\/kim\/\d+$/);
    });
  });

  test('8. the office reads its audit log in sentences', async () => {
    await withPage(env, 'office-audit', async (page) => {
      await login(page, USERS.pasuruan);
      await navigate(page, () => page.click('nav.main a[href="/admin/audit"]'));
      await chooseLabel(page, '#action', 'KIM diimpor');
      await navigate(page, () => page.click('#audit-filter button[type=submit]'));
      assert.match(page.url(), /action=kim\.import/);
      const entries = await page.locator('#audit > li').allTextContents();
      assert.ok(entries.length >= 3, `the import is in the log: ${entries.length}`);
      assert.match(entries[0], /kominfo\.kab-pasuruan mengimpor KIM/);
      assert.match(entries[0], /WIB/);
      const text = await page.locator('main').textContent();
      assert.doesNotMatch(text, /kim\.import|\{"/, 'no action codes, no JSON');
      assert.match(await page.locator('#audit-zone').textContent(), /WIB/);
      await checkPage(page, 'office-audit');
      await navigate(page, () => page.locator('#audit a').first().click());
      assert.match(page.url(), /\/kim\/\d+$/);
    });
  });
});
