// Browser helpers: launch Debian's Chromium through playwright-core, open a
// phone-sized context, and checkPage() = screenshot + axe + transfer budget.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync, constants as zlibConstants } from 'node:zlib';

import { chromium } from 'playwright-core';

import { ARTIFACTS_DIR, assertSafeName, ensureArtifactsDir } from './paths.mjs';

const require = createRequire(import.meta.url);

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Per-page transfer budget (document + stylesheets + scripts, compressed). */
export const PAGE_BUDGET_BYTES = 50 * 1024;

/** The map library is outside the budget ("maps and images aside"). */
const BUDGET_EXEMPT = /\/static\/vendor\/leaflet-/;

/** Resource types counted in the budget. */
const BUDGET_TYPES = new Set(['document', 'stylesheet', 'script']);

/** axe impacts that fail a page. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

let axeSource;
function getAxeSource() {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}; install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A fresh (cookie-less) phone context: 360x800, deviceScaleFactor 1.
 * `baseURL` lets pages use page.goto('/login').
 */
export async function newPhoneContext(browser, { baseURL, ...extra } = {}) {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 360, height: 800 },
    deviceScaleFactor: 1,
    // Indonesian phone. The server's default language is Indonesian anyway;
    // this keeps the default stable if it ever negotiates Accept-Language.
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    ...extra,
  });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

/** page -> { responses: Response[] } since the last main-frame navigation. */
const trackers = new WeakMap();

/**
 * Open a page that checkPage() can measure. The HTTP cache is disabled so
 * every page's budget is its cold-load cost (a cached stylesheet would
 * otherwise not show up as a response at all).
 */
export async function newPage(context) {
  const page = await context.newPage();
  const tracker = { responses: [] };
  trackers.set(page, tracker);

  page.on('request', (request) => {
    let mainNav = false;
    try {
      mainNav = request.isNavigationRequest() && request.frame() === page.mainFrame();
    } catch {
      /* service-worker request: no frame */
    }
    // A new main-frame document (including a redirect hop) starts a new page.
    if (mainNav) tracker.responses = [];
  });
  page.on('response', (response) => {
    if (BUDGET_TYPES.has(response.request().resourceType())) tracker.responses.push(response);
  });

  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  return page;
}

function gzipLength(buf) {
  return gzipSync(buf, { level: zlibConstants.Z_BEST_COMPRESSION }).length;
}

/** Compressed size of one response, as the server sent it where possible. */
async function transferSize(response) {
  const headers = await response.allHeaders();
  const encoding = (headers['content-encoding'] || '').trim().toLowerCase();
  const isCompressed = encoding !== '' && encoding !== 'identity';
  if (isCompressed) {
    const len = Number(headers['content-length']);
    if (Number.isFinite(len) && headers['content-length'] !== undefined && len >= 0) {
      return { bytes: len, how: `${encoding} content-length` };
    }
    // Chunked compressed response: Chromium knows the encoded body size.
    try {
      const sizes = await response.request().sizes();
      if (sizes.responseBodySize > 0) return { bytes: sizes.responseBodySize, how: `${encoding} on the wire` };
    } catch {
      /* fall through */
    }
  }
  const body = await response.body();
  return { bytes: gzipLength(body), how: isCompressed ? `${encoding}, re-gzipped` : 'gzip -9 by harness' };
}

export async function measureBudget(page) {
  const tracker = trackers.get(page);
  if (!tracker) throw new Error('checkPage: page was not opened with newPage() from lib/browser.mjs');
  const seen = new Set();
  const items = [];
  for (const response of tracker.responses) {
    const status = response.status();
    if (status >= 300 && status < 400) continue; // redirect hop: no body
    const key = `${response.request().method()} ${response.url()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (BUDGET_EXEMPT.test(response.url())) continue;
    try {
      const { bytes, how } = await transferSize(response);
      items.push({ url: response.url(), type: response.request().resourceType(), bytes, how });
    } catch (err) {
      items.push({ url: response.url(), type: response.request().resourceType(), bytes: 0, how: `unmeasured: ${err.message}` });
    }
  }
  const total = items.reduce((sum, i) => sum + i.bytes, 0);
  return { total, items };
}

/** Write/replace the `name bytes` line in artifacts/page-budget.txt. */
function recordBudget(name, bytes) {
  const path = join(ARTIFACTS_DIR, 'page-budget.txt');
  let lines = [];
  try {
    lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  } catch {
    /* first entry */
  }
  lines = lines.filter((l) => l.split(' ')[0] !== name);
  lines.push(`${name} ${bytes}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

async function injectAxe(page) {
  if (await page.evaluate(() => typeof window.axe === 'object')) return;
  // Not page.addScriptTag({content}): the server's CSP (script-src 'self')
  // blocks inline scripts, and each attempt would log a CSP violation (and
  // send a report if the policy has report-uri/report-to). Evaluating over the
  // DevTools protocol is not governed by the page's CSP; axe needs no eval.
  await page.evaluate(getAxeSource());
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    throw new Error('could not inject axe-core into the page');
  }
}

async function runAxe(page) {
  await injectAxe(page);
  const results = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return results;
}

/**
 * Screenshot, accessibility check and transfer budget for the current page.
 * All three always run; one error listing every failure is thrown at the end.
 */
export async function checkPage(page, name) {
  assertSafeName(name);
  ensureArtifactsDir();
  await page.waitForLoadState('load');
  const failures = [];

  // (1) Screenshot.
  try {
    await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
  } catch (err) {
    failures.push(`screenshot failed: ${err.message}`);
  }

  // (2) axe-core.
  try {
    const violations = await runAxe(page);
    const bad = violations.filter((v) => FAILING_IMPACTS.has(v.impact));
    for (const v of violations.filter((x) => !FAILING_IMPACTS.has(x.impact))) {
      console.log(`# [${name}] axe ${v.impact}: ${v.id} — ${v.help} (${v.targets.join(', ')})`);
    }
    if (bad.length) {
      failures.push(
        `axe: ${bad.length} serious/critical violation(s) on ${page.url()}:\n` +
          bad
            .map((v) => `  - [${v.impact}] ${v.id}: ${v.help}\n      ${v.helpUrl}\n      targets: ${v.targets.join(' | ')}`)
            .join('\n'),
      );
    }
  } catch (err) {
    failures.push(`axe could not run: ${err.message}`);
  }

  // (3) Transfer budget.
  try {
    const { total, items } = await measureBudget(page);
    recordBudget(name, total);
    if (!items.some((i) => i.type === 'document')) {
      failures.push(`budget: no document response recorded for ${page.url()}`);
    }
    if (total > PAGE_BUDGET_BYTES) {
      failures.push(
        `budget: ${total} bytes > ${PAGE_BUDGET_BYTES} bytes on ${page.url()}:\n` +
          items.map((i) => `  - ${i.type} ${i.bytes} B (${i.how}) ${i.url}`).join('\n'),
      );
    }
  } catch (err) {
    failures.push(`budget could not be measured: ${err.message}`);
  }

  if (failures.length) {
    throw new Error(`checkPage(${name}) failed:\n${failures.join('\n')}`);
  }
}
