// Journey: capacity building (issue 14), on a phone. The provincial office creates a workshop
// that is running now from the dashboard; a KIM member registers from their dashboard and
// opens the ticket; at the door the staff's phone loses its connection, the check-in page is
// reloaded anyway (from the service worker's cache), checks the member in (the scan waits on
// the phone) and, when the connection is back, the check-in is sent and counted once; the member then fills in the evaluation. The demo KIM officer, who took
// part in the past forum, downloads the certificate and anyone can verify its code.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, CHROMIUM_PATH, newPage, newPhoneContext } from '../lib/browser.mjs';
import { atPath, checkPage, linkTo, login, navigate, useServerAndBrowser, withPage } from '../lib/journey.mjs';

const env = useServerAndBrowser('events');
const ORGANISER = 'kominfo.jatim';
const MEMBER = 'kim.prigen.anggota';
const OFFICER = 'kim.prigen.ketua';
const TITLE = 'Lokakarya Jurnalisme Warga KIM';

/**
 * The ticket's QR code (the SVG on the member's ticket page) as a video file Chromium's fake
 * camera plays: YUV4MPEG2, 640x480, the code in the middle of a white frame (grey chroma).
 */
async function ticketVideo(ticketPage) {
  const [w, h] = [640, 480];
  const luma = await ticketPage.evaluate(async ([w, h]) => {
    const svg = document.querySelector('#ticket-qr svg');
    const img = new Image();
    img.src = 'data:image/svg+xml;base64,' + btoa(new XMLSerializer().serializeToString(svg));
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, w, h);
    g.imageSmoothingEnabled = false;
    g.drawImage(img, (w - 400) / 2, (h - 400) / 2, 400, 400);
    const rgba = g.getImageData(0, 0, w, h).data;
    let out = '';
    for (let i = 0; i < w * h; i++) {
      out += String.fromCharCode(Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]));
    }
    return btoa(out);
  }, [w, h]);
  const y = Buffer.from(luma, 'base64');
  const chroma = Buffer.alloc((w / 2) * (h / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  const file = join(tmpdir(), `simpul-ticket-${process.pid}.y4m`);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]));
  return file;
}

/** Date and time in WIB, `minutes` from now, kept within today (00:00 to 23:59): the form takes
 * one date per session, so a session must not cross midnight whatever the hour the test runs. */
function wib(minutes) {
  const now = new Date(Date.now() + 7 * 3600_000);
  const t = new Date(now.getTime() + minutes * 60_000);
  const day = now.toISOString().slice(0, 10);
  const tDay = t.toISOString().slice(0, 10);
  const time = tDay === day ? t.toISOString().slice(11, 16) : tDay < day ? '00:00' : '23:59';
  return { date: day, time };
}

describe('forums and trainings', { timeout: 300_000 }, () => {
  test('registration on a phone, offline check-in at the door, evaluation', async () => {
    await withPage(env, 'events-organiser', async (org) => {
      await login(org, ORGANISER);
      await navigate(org, async () => (await linkTo(org, '#events-links', '/events/new')).click(), { url: atPath('/events/new') });
      await checkPage(org, 'events-new');
      const start = wib(-15);
      const end = wib(180);
      const form = org.locator('form#event-form');
      await form.locator('#kind').selectOption('workshop');
      await form.locator('#title').fill(TITLE);
      await form.locator('#description').fill('Menulis berita desa yang akurat dan memeriksa fakta sebelum membagikan.');
      await form.locator('#venue').fill('Aula Diskominfo Jawa Timur');
      await form.locator('#address').fill('Jl. A. Yani 242-244, Surabaya');
      await form.locator('#start_date').fill(start.date);
      await form.locator('#start_time').fill(start.time);
      await form.locator('#end_time').fill(end.time);
      await form.locator('#capacity').fill('30');
      await form.locator('#st-0').fill('Menulis berita desa');
      await form.locator('#sd-0').fill(start.date);
      await form.locator('#ss-0').fill(start.time);
      await form.locator('#se-0').fill(end.time);
      await form.locator('#sp-0').fill('Dewi Lestari; Redaktur; Diskominfo Provinsi Jawa Timur');
      await navigate(org, () => form.locator('#create-event').click());
      assert.match(await org.locator('#notice').textContent(), /Acara dibuat/);
      assert.match(await org.locator('#agenda').textContent(), /Dewi Lestari/);
      await checkPage(org, 'events-created');

      let code;
      await withPage(env, 'events-member', async (member) => {
        await login(member, MEMBER);
        const invite = member.locator('#events-links a', { hasText: TITLE });
        await navigate(member, () => invite.first().click());
        await checkPage(member, 'events-show');
        await navigate(member, () => member.locator('#register').click());
        assert.match(await member.locator('#notice').textContent(), /Anda terdaftar/);
        assert.match(await member.locator('#my-status').textContent(), /Terdaftar/);
        await navigate(member, () => member.locator('#ticket-link').click());
        await member.locator('#ticket-qr svg').waitFor({ state: 'visible' });
        code = (await member.locator('#ticket-code').textContent()).trim();
        assert.match(code, /^T\d+-\d+-[0-9A-F]{16}$/);
        await checkPage(member, 'events-ticket');

        // At the door: the staff's phone goes offline and the page is reloaded (the service
        // worker answers it from the phone's cache); the check-in waits on the phone.
        await navigate(org, () => org.locator('#checkin-link').click());
        await checkPage(org, 'events-checkin');
        assert.match(await org.locator('#session-count').textContent(), /: 0 /);
        await org.locator('#checkin-form[data-offline-ready="1"]').waitFor({ state: 'attached', timeout: 20_000 });
        await org.context().setOffline(true);
        const offline = await org.reload({ waitUntil: 'load' });
        assert.ok(offline && offline.fromServiceWorker(), 'the page came from the service worker');
        await org.locator('#checkin-form').waitFor({ state: 'visible' });
        await org.locator('#code').fill(code);
        await org.locator('#checkin-submit').click();
        await org.waitForFunction(() => document.querySelector('#queue-status')?.dataset.count === '1');
        assert.match(await org.locator('#queue-status').textContent(), /tersimpan di ponsel/);
        assert.equal(await org.locator('#scan-log li').count(), 0);
        await org.screenshot({ path: 'artifacts/events-checkin-offline.png', fullPage: true });
        // Back online: sent, counted once, even if the same code is typed again.
        await org.context().setOffline(false);
        await org.locator('#scan-log li.scan-ok').first().waitFor({ state: 'visible', timeout: 20_000 });
        assert.match(await org.locator('#scan-log').textContent(), /tercatat hadir/);
        await org.waitForFunction(() => document.querySelector('#queue-status')?.dataset.count === '0');
        await org.locator('#code').fill(code);
        await org.locator('#checkin-submit').click();
        await org.locator('#scan-log li', { hasText: 'sudah tercatat' }).waitFor({ state: 'visible', timeout: 20_000 });

        // Another phone at the door scans the ticket with its camera (Chromium's fake camera
        // films the member's QR code; jsQR reads it, Linux Chromium having no BarcodeDetector).
        const video = await ticketVideo(member);
        const camera = await chromium.launch({
          executablePath: CHROMIUM_PATH,
          headless: true,
          args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
        });
        try {
          const context = await newPhoneContext(camera, { baseURL: env.server.url, permissions: ['camera'] });
          const door = await newPage(context);
          await login(door, ORGANISER);
          await door.goto(org.url().replace(/^https?:\/\/[^/]+/, ''));
          await door.locator('#scan-button').click();
          await door.locator('#scan-video').waitFor({ state: 'visible' });
          await door.locator('#scan-log li', { hasText: 'sudah tercatat' }).waitFor({ state: 'visible', timeout: 30_000 });
          await door.screenshot({ path: 'artifacts/events-checkin-camera.png', fullPage: true });
        } finally {
          await camera.close().catch(() => {});
        }
        await navigate(org, () => org.locator('form[method=get] button').click());
        assert.match(await org.locator('#session-count').textContent(), /: 1 /);

        // The member evaluates the session they attended.
        await navigate(member, async () => (await linkTo(member, 'main', member.url().replace(/^https?:\/\/[^/]+/, '').replace('/ticket', ''))).click());
        await navigate(member, () => member.locator('#evaluation-link').click());
        await checkPage(member, 'events-evaluation');
        await member.locator('#evaluation-form input[type=radio][value="5"]').first().check();
        await member.locator('#evaluation-form textarea').first().fill('Praktik menulisnya sangat membantu.');
        await navigate(member, () => member.locator('#evaluation-submit').click());
        assert.match(await member.locator('#notice').textContent(), /evaluasi Anda tersimpan/);
      });

      // The organiser's report shows the attendance and the evaluation.
      await navigate(org, async () => (await linkTo(org, 'main', org.url().replace(/^https?:\/\/[^/]+/, '').replace(/\/checkin.*$/, ''))).click());
      await navigate(org, () => org.locator('#report-link').click());
      assert.match(await org.locator('#attended-count').textContent(), /1/);
      assert.match(await org.locator('main').textContent(), /sangat membantu/);
      await checkPage(org, 'events-report');
    });
  });

  test('a participant of the past forum downloads the certificate and anyone verifies it', async () => {
    await withPage(env, 'events-certificate', async (page) => {
      await login(page, OFFICER);
      await navigate(page, async () => (await linkTo(page, 'nav.main', '/events')).click(), { url: atPath('/events') });
      await checkPage(page, 'events-list');
      const forum = page.locator('#completed-trainings a', { hasText: 'Forum Kemitraan KIM Jawa Timur 2026' });
      await navigate(page, () => forum.first().click());
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#certificate-link').click()]);
      const path = await download.path();
      const { readFileSync } = await import('node:fs');
      const pdf = readFileSync(path);
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      assert.match(download.suggestedFilename(), /^sertifikat-S-[0-9A-F]{12}\.pdf$/);
      // The code is now on the person's list; its link leads to the public check.
      await navigate(page, async () => (await linkTo(page, 'nav.main', '/events')).click(), { url: atPath('/events') });
      await navigate(page, () => page.locator('#completed-trainings a[href^="/sertifikat/"]').first().click());
      assert.match(await page.locator('#certificate-valid').textContent(), /Sertifikat ini asli/);
      await checkPage(page, 'events-verify');
    });
  });
});
