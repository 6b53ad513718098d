// The installable app, in real Chromium at 375 px: the page links its manifest (with
// 192 and 512 px icons and a maskable one); the service worker keeps the shell by its
// versioned names, so a second visit takes the wasm from its cache and is interactive;
// with the connection lost, a page shows the Chinese offline page (not the browser's),
// whose 重新加载 brings the page back once the network is.
// Screenshots (375 px wide) are kept in e2e-tests/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, api, hydrated, phone, shot, uniquePhone, until, useBrowser } from './phone.mjs';
import { ShopPage } from './pages/shop_page.mjs';

useBrowser();

test('the manifest names the app and its icons', async () => {
  const { context, page } = await phone();
  await page.goto(`${BASE}/`);
  const href = await page.getAttribute('link[rel=manifest]', 'href');
  const manifest = await api(context, 'GET', href);
  assert.equal(manifest.short_name, '邻里');
  assert.equal(manifest.lang, 'zh-CN');
  assert.equal(manifest.start_url, '/');
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.theme_color, await page.getAttribute('meta[name=theme-color]', 'content'), 'the shell’s theme colour');
  const sizes = manifest.icons.filter((i) => i.type === 'image/png').map((i) => `${i.sizes} ${i.purpose}`);
  assert.deepEqual(sizes.sort(), ['192x192 any', '512x512 any', '512x512 maskable']);
  for (const icon of manifest.icons) {
    const response = await context.request.get(`${BASE}${icon.src}`);
    assert.equal(response.status(), 200, icon.src);
    assert.equal(response.headers()['content-type'], icon.type, icon.src);
  }
  await context.close();
});

test('a second visit takes the wasm from the service worker, and offline shows the Chinese offline page', async () => {
  const { context, page, errors } = await phone();
  const shop = new ShopPage(page);
  await shop.open();
  // The first visit installs the worker, which caches the shell of this version.
  const cached = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const version = new URL(document.querySelector('script[src^="/page.js"]').src).searchParams.get('v');
    const cache = await caches.open(`linli-${version}`);
    return (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
  });
  assert.deepEqual(cached, ['/app.css', '/offline', '/page.js',
    '/pkg/linli_live.js', '/pkg/linli_live_bg.wasm', '/pkg/linli_shop.js', '/pkg/linli_shop_bg.wasm']);

  // The second visit, now as a resident (a visitor's shop loads no bundle): the bundle and
  // its wasm come from the worker's cache, and the page works.
  await api(context, 'POST', `/api/v1/stores/${STORE}/residents`,
    { nickname: '离线', phone: uniquePhone('134'), building: '2栋', unit: '', household_tags: [] });
  const fromWorker = new Map();
  page.on('response', (r) => {
    if (r.url().includes('/pkg/linli_shop')) fromWorker.set(new URL(r.url()).pathname, r.fromServiceWorker());
  });
  await page.goto(`${BASE}/s/${STORE}`);
  await hydrated(page);
  assert.deepEqual(Object.fromEntries(fromWorker), { '/pkg/linli_shop.js': true, '/pkg/linli_shop_bg.wasm': true });
  await shop.liveStrip.or(shop.grid).first().waitFor();
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the page is under the worker');

  // The API never comes from the worker (her notice bell asks it for her notices).
  const apiFromWorker = [];
  page.on('response', (r) => { if (r.url().includes('/api/')) apiFromWorker.push(r.fromServiceWorker()); });
  await page.reload();
  await hydrated(page);
  await until(() => apiFromWorker.length, (n) => n > 0, { what: 'the API calls' });
  assert.ok(apiFromWorker.every((w) => !w), 'API answers go straight to the network');

  // Offline: a page asked for shows the offline page, in Chinese with an English line.
  await context.setOffline(true);
  await page.goto(`${BASE}/s/${STORE}/cart`);
  const title = page.getByTestId('offline-title');
  await title.waitFor();
  assert.equal(await title.innerText(), '网络未连接');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.locator('[lang=en]').innerText(), /You are offline/);
  await shot(page, 'offline-01-page');

  // Back online, 重新加载 loads the page that was asked for.
  await context.setOffline(false);
  await page.getByTestId('offline-retry').click();
  await page.waitForURL(`**/s/${STORE}/cart`);
  await title.waitFor({ state: 'detached' });
  await hydrated(page);

  await context.close();
  assert.deepEqual(errors, [], 'no script errors');
});
