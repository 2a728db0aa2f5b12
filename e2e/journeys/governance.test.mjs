// Journey: partnership governance (issue 16), on a phone. The Prigen KIM's officer opens their
// performance score from the dashboard and reads what would raise it; Kabupaten Pasuruan's
// office opens the KIMs needing attention and invites one to coaching with one action; the
// demo juror opens the award waiting for them, scores a nomination with the
// conflict-of-interest declaration, and sees their score kept. Every step is chosen from what
// the page offers (no typed addresses after the login page).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { checkPage, login, navigate, useServerAndBrowser, withPage } from '../lib/journey.mjs';

const env = useServerAndBrowser('governance');

describe('partnership governance', { timeout: 300_000 }, () => {
  test('a KIM officer reads their score and what to do next', async () => {
    await withPage(env, 'gov-officer', async (page) => {
      await login(page, 'kim.prigen.ketua');
      const link = page.locator('#governance-links a[href^="/governance/kims/"]');
      await navigate(page, () => link.first().click());
      await checkPage(page, 'gov-kim-score');
      const score = page.locator('#gov-score-value');
      if (await score.count()) {
        assert.match(await score.textContent(), /^\d+([.,]\d+)?$/);
        assert.ok((await page.locator('#gov-advice li, #gov-advice-title + p').count()) > 0);
        // Every number opens the records behind it.
        await navigate(page, () => page.locator('#gov-parts a').first().click());
        await checkPage(page, 'gov-evidence');
      } else {
        assert.match(await page.locator('#gov-not-scored').textContent(), /belum dinilai/);
      }
    });
  });

  test('a kabupaten office invites a dormant KIM to coaching', async () => {
    await withPage(env, 'gov-office', async (page) => {
      await login(page, 'kominfo.kab-pasuruan');
      const link = page.locator('#governance-links a[href*="attention=1"]');
      await navigate(page, () => link.first().click());
      await checkPage(page, 'gov-attention');
      const forms = page.locator('#gov-ranking form');
      if (await forms.count()) {
        // One action on the row of a KIM that fell dormant or dropped.
        await navigate(page, () => forms.first().locator('button[type=submit]').click());
        assert.match(await page.locator('#gov-notice').textContent(), /Undangan pembinaan tercatat/);
      } else {
        // Nobody needs attention here: the whole ranking, the last KIM, a coaching visit.
        await page.locator('#attention').uncheck();
        await navigate(page, () => page.locator('#gov-filter button[type=submit]').click());
        await navigate(page, () => page.locator('#gov-ranking li a').last().click());
        await page.locator('#gov-visit-form textarea').fill('Pendampingan menulis laporan diseminasi.');
        await navigate(page, () => page.locator('#gov-visit-form button[type=submit]').click());
        assert.match(await page.locator('#gov-coaching').textContent(), /Pendampingan menulis laporan/);
      }
      await checkPage(page, 'gov-invited');
    });
  });

  test('a juror scores a nomination', async () => {
    await withPage(env, 'gov-juror', async (page) => {
      await login(page, 'juri.jatim');
      const link = page.locator('#governance-links a[href$="/score"]');
      await navigate(page, () => link.first().click());
      await checkPage(page, 'gov-jury');
      const form = page.locator('form.score-form').first();
      // Out of range first: the field says why, nothing is kept.
      await form.locator('input[name=score]').fill('250');
      await form.locator('input[name=no_conflict]').check();
      await form.evaluate((f) => f.querySelector('input[name=score]').removeAttribute('max'));
      await navigate(page, () => form.locator('button[type=submit]').click());
      assert.match(await page.locator('.field-error').first().textContent(), /Nilai harus bilangan bulat/);
      const again = page.locator('form.score-form').first();
      await again.locator('input[name=score]').fill('87');
      await again.locator('input[name=no_conflict]').check();
      await navigate(page, () => again.locator('button[type=submit]').click());
      assert.match(await page.locator('#gov-notice').textContent(), /Nilai tersimpan/);
      assert.ok((await page.locator('.my-score', { hasText: '87' }).count()) === 1);
      await checkPage(page, 'gov-jury-scored');
    });
  });
});
