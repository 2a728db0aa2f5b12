// Journey: the hoax clearing house (issue 12), on a phone. A citizen without an account pastes a
// known hoax in Javanese-flavoured chat spelling and gets the clarification at once, with the
// matched claim shown; a KIM member reports a new one from their account; the demo fact-checker
// finds it from the dashboard, takes it from the queue and publishes a verdict; the member sees
// the answer among their reports. The fact-checker splits a report grouped under the wrong claim
// off into a claim of its own, and loads a fact-check archive (ClaimReview), first with a label
// the office does not use (refused, item named), then corrected. A verifier opening a report
// that resembles a checked claim sees which words kept it from being answered with it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { atPath, checkPage, linkTo, login, navigate, useServerAndBrowser, visit, withPage } from '../lib/journey.mjs';

const env = useServerAndBrowser('hoax');
const MEMBER = 'kim.prigen.anggota';
const CHECKER = 'cekfakta.jatim';
const NEW_HOAX = 'Info penting!! Jembatan Porong ambruk tadi pagi, semua kendaraan dialihkan lewat Mojokerto sampai bulan depan';

/** The public form refuses a post made the instant it was served (bots do that). */
async function likeAPerson() {
  await sleep(1_200);
}

describe('hoax clearing house', { timeout: 240_000 }, () => {
  test('a verifier sees why a report that looks like a checked claim was not answered with it', async () => {
    await withPage(env, 'hoax-near-miss', async (member) => {
      await login(member, MEMBER);
      await navigate(member, async () => (await linkTo(member, '#hoax-links', '/hoax')).click(), { url: atPath('/hoax') });
      await member.locator('#text').fill('Vaksin covid mengandung babi sehingga haram untuk warga');
      await navigate(member, () => member.locator('#hoax-check-submit').click());
      await member.locator('#queued-notice').waitFor({ state: 'visible' });
    });
    await withPage(env, 'hoax-checker-similar', async (checker) => {
      await login(checker, CHECKER);
      await navigate(checker, async () => (await linkTo(checker, '#hoax-links', '/hoax/queue')).click(), {
        url: atPath('/hoax/queue'),
      });
      const claim = checker.locator('#hoax-queue a', { hasText: 'mengandung babi' });
      await navigate(checker, () => claim.first().click());
      const similar = await checker.locator('#similar-claims').textContent();
      assert.match(similar, /Vaksin covid mengandung microchip/);
      assert.match(similar, /Kata yang tidak ada di klaim itu: .*babi/);
      await checkPage(checker, 'hoax-claim-similar');
    });
  });

  test('a citizen gets the clarification of a known hoax at once', async () => {
    await withPage(env, 'hoax-citizen', async (page) => {
      await visit(page, '/');
      await navigate(page, async () => (await linkTo(page, 'nav.main', '/hoax')).click(), { url: atPath('/hoax') });
      await checkPage(page, 'hoax-check-form');
      await page.locator('#text').fill('Vaksin covid ngandung microchip kanggo nglacak wong sing wis divaksin!! Sebarkan ke grup sebelah');
      // Where it was received: the visitor chooses their kabupaten from the list.
      await page.locator('select#region').selectOption({ label: 'Kabupaten Pasuruan' });
      await likeAPerson();
      await navigate(page, () => page.locator('#hoax-check-submit').click());
      await page.locator('#instant-answer').waitFor({ state: 'visible' });
      assert.match(await page.locator('#verdict-label').textContent(), /HOAKS/);
      assert.match(await page.locator('#matched-claim').textContent(), /Vaksin covid mengandung microchip/);
      assert.match(await page.locator('#wa-text').inputValue(), /HOAKS/);
      await checkPage(page, 'hoax-instant-answer');
      await navigate(page, () => page.locator('#instant-answer a[href^="/hoax/clarifications/"]').click());
      assert.match(await page.locator('#verdict-summary').textContent(), /tidak mengandung microchip/);
      await checkPage(page, 'hoax-public-clarification');
    });
  });

  test('a KIM member reports a new hoax, the fact-checker publishes, the member sees the answer', async () => {
    await withPage(env, 'hoax-member', async (member) => {
      await login(member, MEMBER);
      await navigate(member, async () => (await linkTo(member, '#hoax-links', '/hoax')).click(), { url: atPath('/hoax') });
      await member.locator('#text').fill(NEW_HOAX);
      await navigate(member, () => member.locator('#hoax-check-submit').click());
      await member.locator('#queued-notice').waitFor({ state: 'visible' });
      await checkPage(member, 'hoax-queued');

      await withPage(env, 'hoax-checker', async (checker) => {
        await login(checker, CHECKER);
        assert.match(await checker.locator('#hoax-links').textContent(), /klaim menunggu verifikasi/);
        await navigate(checker, async () => (await linkTo(checker, '#hoax-links', '/hoax/queue')).click(), {
          url: atPath('/hoax/queue'),
        });
        await checkPage(checker, 'hoax-queue');
        const claim = checker.locator('#hoax-queue a', { hasText: 'Jembatan Porong ambruk' });
        await navigate(checker, () => claim.first().click());
        await checkPage(checker, 'hoax-claim');
        await navigate(checker, () => checker.locator('#take-claim').click());
        const form = checker.locator('form#verdict-form');
        await form.locator('#label').selectOption({ label: 'HOAKS' });
        await form.locator('#title').fill('Jembatan Porong ambruk dan kendaraan dialihkan sebulan');
        await form.locator('#summary').fill('Jembatan Porong tidak ambruk dan lalu lintas berjalan normal.');
        await form.locator('#explanation').fill('Dinas PU Bina Marga memeriksa jembatan pagi ini: tidak ada kerusakan.');
        await form.locator('#sources').fill('https://pu.jatimprov.go.id');
        await navigate(checker, () => form.locator('#publish-verdict').click());
        assert.match(await checker.locator('#claim-status').textContent(), /Terbit/);
        await checkPage(checker, 'hoax-published');
        // The public page, with its shareable text and card.
        await navigate(checker, async () => (await linkTo(checker, 'main', checker.url().replace(/.*\/hoax\/claims\//, '/hoax/clarifications/'))).click());
        assert.match(await checker.locator('#verdict-summary').textContent(), /tidak ambruk/);
        await checkPage(checker, 'hoax-clarification');
      });

      await navigate(member, async () => (await linkTo(member, 'nav.main', '/dashboard')).click(), {
        url: atPath('/dashboard'),
      });
      await navigate(member, async () => (await linkTo(member, '#hoax-links', '/hoax/mine')).click(), {
        url: atPath('/hoax/mine'),
      });
      const mine = member.locator('#my-reports');
      assert.match(await mine.textContent(), /HOAKS/);
      assert.match(await mine.textContent(), /tidak ambruk/);
      await checkPage(member, 'hoax-mine');
    });
  });

  test('a fact-checker splits a wrongly grouped report off and imports a fact-check archive', async () => {
    await withPage(env, 'hoax-archive', async (page) => {
      await login(page, CHECKER);
      await navigate(page, async () => (await linkTo(page, '#hoax-links', '/hoax/queue')).click(), {
        url: atPath('/hoax/queue'),
      });
      await navigate(page, () => page.locator('#hoax-queue a', { hasText: 'Air PDAM mati total' }).first().click());
      const odd = page.locator('#claim-reports li', { hasText: 'Air PDAM di Sidoarjo keruh' });
      await odd.locator('input[name="report"]').check();
      await checkPage(page, 'hoax-split-choose');
      await navigate(page, () => page.locator('#split-claim').click());
      assert.match(await page.locator('#claim-status').textContent(), /Baru/);
      assert.match(await page.locator('#claim-reports').textContent(), /Sidoarjo keruh/);
      assert.doesNotMatch(await page.locator('#claim-reports').textContent(), /mati total/);
      await checkPage(page, 'hoax-split-done');

      await navigate(page, async () => (await linkTo(page, '.breadcrumb', '/hoax/queue')).click(), { url: atPath('/hoax/queue') });
      await navigate(page, async () => (await linkTo(page, 'main', '/hoax/import')).click(), { url: atPath('/hoax/import') });
      const review = (label) =>
        JSON.stringify({
          '@context': 'https://schema.org',
          '@graph': [
            {
              '@type': 'ClaimReview',
              url: 'https://turnbackhoax.id/2025/07/01/salah-tol-pandaan-ditutup/',
              datePublished: '2025-07-01',
              claimReviewed: 'Tol Pandaan ditutup total sepekan mulai besok karena longsor',
              reviewBody: 'Jasa Marga memastikan tol Pandaan beroperasi normal; tidak ada longsor.',
              author: { '@type': 'Organization', name: 'MAFINDO' },
              reviewRating: { '@type': 'Rating', alternateName: label },
            },
          ],
        });
      await page.setInputFiles('#file', { name: 'arsip.json', mimeType: 'application/json', buffer: Buffer.from(review('Salah')) });
      await navigate(page, () => page.locator('#import-submit').click());
      assert.match(await page.locator('#import-problems').textContent(), /Butir 1 .*Salah/s);
      await checkPage(page, 'hoax-import-refused');
      await page.setInputFiles('#file', { name: 'arsip.json', mimeType: 'application/json', buffer: Buffer.from(review('Hoaks')) });
      await navigate(page, () => page.locator('#import-submit').click());
      assert.match(await page.locator('#import-done').textContent(), /1 klarifikasi diimpor/);
      await checkPage(page, 'hoax-import-done');
      await navigate(page, async () => (await linkTo(page, 'main', '/hoax/clarifications')).click(), {
        url: atPath('/hoax/clarifications'),
      });
      await navigate(page, () => page.locator('main a', { hasText: 'Tol Pandaan ditutup total' }).first().click());
      // The copy button appears with JavaScript; the text box stays selectable without it.
      await page.locator('#copy-wa').waitFor({ state: 'visible' });
      assert.match(await page.locator('#wa-text').inputValue(), /HOAKS/);
      await checkPage(page, 'hoax-imported-clarification');
    });
  });
});
