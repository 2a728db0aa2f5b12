// Building blocks for journeys: server + browser lifecycle per test file,
// navigation helpers and the login/logout steps of the UI contract.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { join } from 'node:path';

import { checkPage, launchBrowser, newPage, newPhoneContext } from './browser.mjs';
import { ARTIFACTS_DIR, assertSafeName } from './paths.mjs';
import { startServer } from './server.mjs';

export { checkPage };

/** Every demo account shares this password. */
export const DEMO_PASSWORD = 'simpul-demo-2026';
export const USERS = {
  jatim: 'kominfo.jatim', // provincial admin, East Java
  pasuruan: 'kominfo.kab-pasuruan', // Kabupaten Pasuruan admin
  nasional: 'nasional', // national admin
};

/**
 * Register before/after hooks that start one server and one browser for the
 * test file. Returns an object whose .server/.browser are filled in by before().
 */
export function useServerAndBrowser(name) {
  assertSafeName(name);
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer(name);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close().catch(() => {});
    await env.server?.stop();
  });
  return env;
}

/**
 * Run fn(page) in a fresh phone context (no cookies). On failure a screenshot
 * artifacts/FAILED-<name>.png is saved; the context is always closed.
 */
export async function withPage(env, name, fn) {
  assertSafeName(name);
  const context = await newPhoneContext(env.browser, { baseURL: env.server.url });
  try {
    const page = await newPage(context);
    try {
      await fn(page);
    } catch (err) {
      await page
        .screenshot({ path: join(ARTIFACTS_DIR, `FAILED-${name}.png`), fullPage: true })
        .catch(() => {});
      err.message += `\n(page at failure: ${page.url()}; screenshot artifacts/FAILED-${name}.png)`;
      throw err;
    }
  } finally {
    await context.close().catch(() => {});
  }
}

export function pathOf(page) {
  return new URL(page.url()).pathname;
}

export async function htmlLang(page) {
  return page.locator('html').getAttribute('lang');
}

/** page.goto that insists on an HTTP status (default 200). */
export async function visit(page, path, { status = 200 } = {}) {
  const response = await page.goto(path);
  assert.ok(response, `no response for ${path}`);
  if (status !== null) {
    assert.equal(response.status(), status, `GET ${path} -> ${response.status()} (final URL ${page.url()})`);
  }
  return response;
}

/**
 * Do `action` (e.g. a click) and wait for the main frame to navigate and load.
 * `url` (optional) is a predicate/glob/RegExp for the final URL; redirects are
 * followed. Returns the final main-resource response.
 */
export async function navigate(page, action, { url } = {}) {
  const opts = url ? { url } : {};
  const [response] = await Promise.all([page.waitForNavigation(opts), action()]);
  return response;
}

/** URL predicate on the pathname, for navigate()/waitForURL(). */
export function atPath(path) {
  return (u) => u.pathname === path;
}

/**
 * The link inside `scope` whose href resolves to `path` (relative or absolute
 * hrefs both work). Fails listing the links that were there.
 */
export async function linkTo(page, scope, path) {
  const links = page.locator(`${scope} a`);
  await links.first().waitFor({ state: 'attached' });
  const found = await links.evaluateAll((as) => as.map((a) => [a.pathname, a.textContent.trim()]));
  const idx = found.findIndex(([p]) => p === path);
  assert.ok(
    idx >= 0,
    `no link to ${path} in "${scope}"; links there:\n${found.map(([p, t]) => `  ${p}  ${t}`).join('\n')}`,
  );
  return links.nth(idx);
}

/** Trimmed texts of all elements matching selector. */
export async function texts(page, selector) {
  return (await page.locator(selector).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/**
 * On /login (goes there if needed): fill the form and submit. Expects to land
 * on /dashboard with #current-user showing the username. If `check` is a
 * name prefix, checkPage runs on the login page and on the dashboard.
 */
export async function login(page, username, { password = DEMO_PASSWORD, check } = {}) {
  if (pathOf(page) !== '/login') await visit(page, '/login');
  if (check) await checkPage(page, `${check}-login`);
  const form = page.locator('form#login-form');
  await form.locator('input[name=username]').fill(username);
  await form.locator('input[name=password]').fill(password);
  const response = await navigate(page, () => form.locator('button[type=submit]').click(), {
    url: atPath('/dashboard'),
  });
  assert.equal(response?.status(), 200, `dashboard after login answered ${response?.status()}`);
  const current = page.locator('#current-user');
  await current.waitFor({ state: 'visible' });
  assert.match(await current.textContent(), new RegExp(escapeRegExp(username)));
  if (check) await checkPage(page, `${check}-dashboard`);
}

/** Click the header's logout button; afterwards no #current-user, a login link. */
export async function logout(page, { check } = {}) {
  const response = await navigate(page, () =>
    page.locator('form#logout-form button[type=submit]').click(),
  );
  assert.ok(response && response.status() < 400, `logout landed on status ${response?.status()}`);
  assert.equal(await page.locator('#current-user').count(), 0, '#current-user still shown after logout');
  await page.locator('a[href="/login"]:visible').first().waitFor({ state: 'visible' });
  if (check) await checkPage(page, `${check}-logged-out`);
}

export function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Wait until htmx has finished: no request in flight, nothing settling. A choice made while a
 * refresh is being swapped in is made on the old element and lost with it; a person waits for
 * the page to change, and so do the journeys.
 */
export async function htmxSettled(page) {
  // Not 'networkidle': a signed-in page keeps its live notification stream open.
  await page.waitForLoadState('load');
  await page.waitForTimeout(150);
  await page.waitForFunction(() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping'));
}
