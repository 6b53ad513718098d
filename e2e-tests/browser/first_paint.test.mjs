// The first paint before (or without) the wasm, in real Chromium at 375 px: the server's
// page is complete and its links work with scripting off, with a Chinese note saying
// what needs it; and a button that only the wasm can run (立即抢购, the stepper, 加入购物车
// and the comment box's 发送) shows disabled until the bundle has taken over, then works;
// the shop asks for its first screen's photos at once, and for the others as she scrolls.
// Screenshots (375 px wide) are kept in e2e-tests/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, api, hydrated, phone, shot, uniquePhone, useBrowser } from './phone.mjs';
import { LivePage } from './pages/live_page.mjs';
import { ProductPage } from './pages/product_page.mjs';
import { ShopPage } from './pages/shop_page.mjs';
import { StoresPage } from './pages/stores_page.mjs';

useBrowser();

const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString();
const WASM = '**/pkg/*_bg.wasm*';

test('with scripting off the pages read and link through, and say in Chinese what needs JavaScript', async () => {
  const { context, page } = await phone({ javaScriptEnabled: false });
  const stores = new StoresPage(page);
  await stores.open();
  const note = page.locator('.noscript-note');
  await note.waitFor();
  assert.match(await note.innerText(), /JavaScript.*下单/);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await shot(page, 'noscript-01-stores');

  // The store card is a plain link: it leads into the shop, whose products are all there.
  await stores.storeCards.first().getByRole('link').first().click();
  await page.waitForURL(`**/s/${STORE}`);
  const shop = new ShopPage(page);
  assert.ok(await shop.productCards.count() >= 20, 'the shop lists its products without the wasm');
  await shop.openProduct(shop.productCards.first());
  const product = new ProductPage(page);
  await product.title.waitFor();
  assert.ok((await product.origin.innerText()).length > 0, 'the product page shows its facts');
  await shot(page, 'noscript-02-product');
  await context.close();
});

test('立即抢购 and 加入购物车 show disabled until the wasm has loaded, then work', async () => {
  // A live on air with an open offer, through the API.
  const owner = await phone();
  await api(owner.context, 'POST', '/api/v1/sessions', { phone: '13800000001', password: process.env.DEMO_OWNER_PASSWORD ?? 'linli-demo-2026' });
  const live = await api(owner.context, 'POST', `/api/v1/stores/${STORE}/lives`, { title: `首屏测试${String(Date.now()).slice(-4)}`, starts_at: inSeconds(60) });
  await api(owner.context, 'POST', `/api/v1/lives/${live.id}/status-changes`, { status: 'live' });
  const { products } = await api(owner.context, 'GET', `/api/v1/stores/${STORE}/products`);
  const product = products.find((p) => p.available >= 20 && p.price >= 500 && !p.per_buyer_cap);
  await api(owner.context, 'POST', `/api/v1/lives/${live.id}/offers`, {
    product_id: product.id, flash_price: Math.round(product.price * 0.8), allotted: 10, opens_at: inSeconds(-1), closes_at: inSeconds(1800),
  });

  // A resident whose phone cannot fetch the wasm (yet): the server's buttons are there, off.
  const resident = await phone();
  const { context, page } = resident;
  await api(context, 'POST', `/api/v1/stores/${STORE}/residents`,
    { nickname: '首屏', phone: uniquePhone('133'), building: '5栋', unit: '', household_tags: [] });
  await context.route(WASM, (route) => route.abort());
  const room = new LivePage(page);
  await room.open(live.id);
  await room.offer.waitFor();
  assert.equal(await room.buyButton.innerText(), '立即抢购');
  assert.ok(await room.buyButton.isDisabled(), 'Buy is off before the wasm');
  assert.ok(await room.moreButton.isDisabled(), 'the stepper is off before the wasm');
  assert.ok(await room.sendButton.isDisabled(), 'sending a comment is off before the wasm');
  await shot(page, 'first-paint-01-live-before-wasm');
  const productPage = new ProductPage(page);
  await productPage.open(product.id);
  await productPage.title.waitFor();
  assert.ok(await productPage.addButton.isDisabled(), '加入购物车 is off before the wasm');
  const shop = new ShopPage(page);
  await shop.open({ hydrate: false });
  assert.equal(await shop.addButtons.count(), 0, "no card's + is on before the wasm");

  // With the wasm: on as soon as hydrated, and a tap buys.
  await context.unroute(WASM);
  await shop.open();
  assert.ok(await shop.addButtons.count() > 0, 'the cards’ + are on once hydrated');
  await room.open(live.id);
  await hydrated(page);
  assert.ok(await room.buyButton.isEnabled(), 'Buy is on once hydrated');
  await room.buyButton.click();
  await room.buySuccess.waitFor();
  assert.match(await room.buySuccess.innerText(), /^抢到了！取货码 \d{6}/);

  for (const p of [owner, resident]) await p.context.close();
  assert.deepEqual(owner.errors, [], 'no script errors on the owner’s phone');
  // The aborted bundle fails its own loading (an unhandled rejection of the boot script);
  // nothing else may.
  assert.ok(resident.errors.every((e) => /wasm|fetch|WebAssembly|Failed/i.test(e)), resident.errors.join('\n'));
});

test("the photos on the shop's first screen are asked for at once, first in line; the rest as she scrolls", async () => {
  const { context, page } = await phone({ javaScriptEnabled: false });
  const shop = new ShopPage(page);
  /** [loading, fetchpriority] of each photo matching `selector`, in page order. */
  const priorities = (selector) => page.locator(selector).evaluateAll((imgs) => imgs.map((i) => [i.loading, i.getAttribute('fetchpriority')]));

  // The store home: 邻居晒单 sits above the grid, so its first two photos are the first screen.
  await shop.open({ hydrate: false });
  const featured = await priorities('.featured-photo');
  assert.ok(featured.length >= 2, 'the demo store features reviews with photos');
  assert.deepEqual(featured.slice(0, 2), [['eager', 'high'], ['eager', 'high']]);
  assert.ok(featured.slice(2).every(([loading, priority]) => loading === 'lazy' && priority === null), JSON.stringify(featured));
  assert.ok((await priorities('.product-image')).every(([loading, priority]) => loading === 'lazy' && priority === null),
    "below the strip, the grid's photos wait for her to scroll");

  // A category has no strip: the grid's first row is the first screen.
  await page.goto(`${BASE}${await page.locator('nav.tabs a').nth(2).getAttribute('href')}`);
  const grid = await priorities('.product-image');
  assert.ok(grid.length > 2, 'the category lists products');
  assert.deepEqual(grid.slice(0, 2), [['eager', 'high'], ['eager', 'high']]);
  assert.ok(grid.slice(2).every(([loading]) => loading === 'lazy'), JSON.stringify(grid));
  await context.close();
});
