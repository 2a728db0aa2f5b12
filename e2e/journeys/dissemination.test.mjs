// Journey: dissemination (issue 13), on a phone. The province's communication office writes a
// stunting-prevention package for Kabupaten Pasuruan from its dashboard and publishes it; the
// Prigen KIM officer finds it in the inbox, sees the caption ready to copy and reports how many
// people the WhatsApp post reached; the office's reach dashboard shows the report.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { atPath, checkPage, linkTo, login, navigate, useServerAndBrowser, withPage } from '../lib/journey.mjs';

const env = useServerAndBrowser('dissemination');
const PUBLISHER = 'kominfo.jatim';
const OFFICER = 'kim.prigen.ketua';
const TITLE = 'Posyandu Keliling Desa: Timbang Balita Bulan Ini';
const CAPTION = 'Ayo ke posyandu keliling! Timbang dan ukur balita gratis bulan ini. #JatimCegahStunting';

describe('dissemination', { timeout: 240_000 }, () => {
  test('a package is published, an officer reports on a phone, the dashboard shows it', async () => {
    await withPage(env, 'dissem-publisher', async (office) => {
      await login(office, PUBLISHER);
      await navigate(office, async () => (await linkTo(office, '#dissem-links', '/dissem/new')).click(), {
        url: atPath('/dissem/new'),
      });
      await checkPage(office, 'dissem-new-package');
      const form = office.locator('form#package-form');
      await form.locator('#title').fill(TITLE);
      await form.locator('#topic').selectOption('health');
      await form.locator('#key_messages').fill('Timbang balita setiap bulan.\nPosyandu keliling datang ke desa.');
      await form.locator('#caption_whatsapp').fill(CAPTION);
      await form.locator('input[name=targets][value="region:35.14"]').check();
      await navigate(office, () => form.locator('#save-package').click());
      assert.match(await office.locator('#package-status').textContent(), /Draf/);
      await checkPage(office, 'dissem-draft');
      await navigate(office, () => office.locator('#publish-package').click());
      assert.match(await office.locator('#package-status').textContent(), /Terbit/);
      assert.match(await office.locator('#reached').textContent(), /0 dari \d+ KIM/);
      await checkPage(office, 'dissem-published');

      await withPage(env, 'dissem-officer', async (officer) => {
        await login(officer, OFFICER);
        assert.match(await officer.locator('#dissem-links').textContent(), /paket menunggu/);
        await navigate(officer, async () => (await linkTo(officer, '#dissem-links', '/dissem')).click(), {
          url: atPath('/dissem'),
        });
        await checkPage(officer, 'dissem-inbox');
        await navigate(officer, () => officer.locator('#inbox-new a', { hasText: TITLE }).first().click());
        assert.equal(await officer.locator('textarea.caption').first().inputValue(), CAPTION);
        assert.equal(await officer.locator('textarea.caption').first().getAttribute('readonly'), '');
        await checkPage(officer, 'dissem-package-on-phone');
        const report = officer.locator('form#report-form');
        await report.locator('#channel').selectOption('whatsapp');
        await report.locator('#reach').fill('180');
        await report.locator('#link').fill('https://wa.me/c/6281230000001');
        await navigate(officer, () => report.locator('#send-report').click());
        assert.match(await officer.locator('#report-notice').textContent(), /laporan tercatat/);
        assert.match(await officer.locator('#inbox-state').textContent(), /Selesai/);
        await checkPage(officer, 'dissem-reported');
      });

      await navigate(office, async () => (await linkTo(office, 'nav.main', '/dashboard')).click(), {
        url: atPath('/dashboard'),
      });
      await navigate(office, async () => (await linkTo(office, '#dissem-links', '/dissem/reach')).click(), {
        url: atPath('/dissem/reach'),
      });
      await checkPage(office, 'dissem-reach');
      await navigate(office, () => office.locator('#ranking a', { hasText: TITLE }).first().click());
      assert.equal((await office.locator('#reach-total').textContent()).trim(), '180');
      assert.ok(await office.locator('#chart-channel svg').count(), 'the channel chart is drawn');
      await checkPage(office, 'dissem-reach-package');
    });
  });

  test('a kabupaten planner puts a program on one village, found by its name', async () => {
    await withPage(env, 'program-planner', async (planner) => {
      await login(planner, 'kominfo.kab-pasuruan');
      await navigate(planner, async () => (await linkTo(planner, '#dissem-links', '/programs')).click(), {
        url: atPath('/programs'),
      });
      await navigate(planner, () => planner.locator('#new-program').click(), { url: atPath('/programs/new') });
      const form = planner.locator('form#program-form');
      await form.locator('#theme').fill('Kelas Ibu Hamil Dayurejo');
      await form.locator('#topic').selectOption('health');
      await form.locator('#starts_on').fill('2031-06-02');
      await form.locator('#ends_on').fill('2031-06-13');
      // The village is not among the checkboxes: the planner types part of its name.
      await form.locator('summary', { hasText: 'Kecamatan atau desa' }).click();
      await form.locator('#place_q').fill('dayure');
      await navigate(planner, () => form.locator('#find-place').click());
      assert.equal(await planner.locator('#theme').inputValue(), 'Kelas Ibu Hamil Dayurejo', 'typed input is kept');
      const hit = planner.locator('#place-hits label', { hasText: 'Dayurejo' });
      assert.match(await hit.textContent(), /Prigen/);
      await checkPage(planner, 'program-place-search');
      await hit.click();
      await navigate(planner, () => planner.locator('#save-program').click(), { url: atPath('/programs') });
      await navigate(planner, () => planner.locator('a', { hasText: 'Kelas Ibu Hamil Dayurejo' }).first().click());
      assert.ok(await planner.locator('#place-chosen input[value="35.14.10.2003"]').isChecked(), 'the village is kept');
      await checkPage(planner, 'program-with-village');
    });
  });
});
