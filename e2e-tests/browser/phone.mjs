// What every browser journey shares: the edge's address, Debian's Chromium started the
// offline way (see ../shared/TOOLCHAIN.md), a phone-sized context, screenshots, the wait
// for hydration and a poll for a changing attribute. Not a test itself (node --test runs
// *.test.mjs); what is on each page and how to use it is in ./pages/.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = process.env.LINLI_BASE_URL ?? 'http://127.0.0.1:8790';
export const STORE = 'st-gubei';
const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

let browser;

/** Launches Chromium before the file's tests and closes it after them. */
export function useBrowser() {
  before(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
      // playwright gives every launch a fresh, empty profile directory of its own.
    });
  });
  after(async () => { await browser?.close(); });
}

let phones = 0;

/** A fresh 375 px phone (its own cookies, and a network of its own: the edge counts joins
 * and sign-ins per client address, which Cloudflare sets as `CF-Connecting-IP` and the
 * local edge takes from the client), collecting script errors. `options` go to the
 * context as they are (e.g. `javaScriptEnabled: false`). */
export async function phone(options = {}) {
  phones += 1;
  const address = `10.250.${process.pid % 250}.${phones % 250}`;
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, locale: 'zh-CN',
    isMobile: true, hasTouch: true, extraHTTPHeaders: { 'CF-Connecting-IP': address }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

/** Saves what the phone shows (or the whole page, `fullPage`) as e2e-tests/artifacts/<name>.png. */
export const shot = (page, name, { fullPage = false } = {}) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });

/** Where a journey's other files (a printed PDF) go: e2e-tests/artifacts/<name>. */
export const artifact = (name) => join(ARTIFACTS, name);

/** Waits until the page's wasm bundle (its group's, or on /owner the console's) has
 * hydrated it (buttons then respond); a page with nothing to hydrate (a visitor's shop
 * loads no bundle), until it has loaded. */
export async function hydrated(page) {
  await page.waitForLoadState('domcontentloaded');
  if (await page.locator('script[type=module]').count()) {
    await page.waitForFunction(() => performance.getEntriesByType('resource')
      .some((r) => r.name.includes('/pkg/') && r.name.includes('_bg.wasm')));
  }
  await page.waitForLoadState('networkidle');
}

/** Polls `read()` until `wanted(value)` holds, then returns the value; fails after `timeout` ms. */
export async function until(read, wanted, { timeout = 30000, what = 'the page' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (wanted(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} still ${JSON.stringify(value)} after ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A JSON API call with the context's cookies; fails the test on an unexpected status. */
export async function api(context, method, path, data, expect = [200, 201]) {
  const response = await context.request.fetch(`${BASE}${path}`, { method, data, headers: { Accept: 'application/json' } });
  const body = await response.text();
  assert.ok(expect.includes(response.status()), `${method} ${path} -> ${response.status()} ${body}`);
  return body ? JSON.parse(body) : null;
}

/** A mainland mobile number no other journey has used: `prefix` and eight digits of time and chance. */
export const uniquePhone = (prefix = '137') =>
  `${prefix}${String(Date.now()).slice(-6)}${String(Math.floor(Math.random() * 100)).padStart(2, '0')}`;
