// What a new resident tripped over on a 375 px phone (tracker issue 8), in real Chromium
// against the real local edge: taps with the network down, the per-person cap at add time,
// search from inside a category, the join form's tags, the owner's sign-in, English pages,
// missing pages, 我的订单 signed out, and coming back to a product after joining.
// Each page is driven through its page object in ./pages/. Screenshots (375 px wide, both
// languages) are kept in e2e-tests/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, api, hydrated, phone, shot, until, useBrowser } from './phone.mjs';
import { CartPage } from './pages/cart_page.mjs';
import { JoinPage } from './pages/join_page.mjs';
import { NotFoundPage } from './pages/not_found_page.mjs';
import { OrderPage } from './pages/order_page.mjs';
import { OrdersPage } from './pages/orders_page.mjs';
import { OWNER_PASSWORD, OWNER_PHONE, OwnerPage } from './pages/owner_page.mjs';
import { ProductPage } from './pages/product_page.mjs';
import { ShopPage } from './pages/shop_page.mjs';

useBrowser();

let seq = 0;
/** A phone with a resident who has joined the store through the API. */
async function resident(nickname = '新邻居') {
  const p = await phone();
  const mobile = `158${String(Date.now()).slice(-7)}${seq++ % 10}`;
  p.me = await api(p.context, 'POST', `/api/v1/stores/${STORE}/residents`,
    { nickname: `${nickname}${mobile.slice(-3)}`, phone: mobile, building: '5栋', unit: '1单元201', household_tags: [] });
  return p;
}

/** Switches a phone to English (the header's switch sets the same cookie). */
async function english(context) {
  await context.addCookies([{ name: 'lang', value: 'en', url: BASE }]);
}

/** The owner's API session. */
async function ownerApi() {
  const p = await phone();
  await api(p.context, 'POST', '/api/v1/sessions', { phone: OWNER_PHONE, password: OWNER_PASSWORD });
  return p;
}

const EGGS = 'p-eggs-special'; // 特价鲜鸡蛋, 每人限购 2 in the demo chain
// Products no API journey stocks or sells out (those use store A's first 13 by id).
const KIWIS = 'p-kiwi-zhouzhi'; // 周至徐香猕猴桃
const PEARS = 'p-pear-dangshan'; // 砀山酥梨

test('offline taps keep the cart and the membership on screen and say 网络不可用 where the finger is', async () => {
  const { context, page, errors } = await resident();
  const shop = new ShopPage(page);
  await shop.open();
  await shop.addButtonOf('赣南脐橙').click();
  await shop.cartBar.filter({ hasText: '1 件' }).waitFor();

  // Network down: + in the shop says so in the toast; the cart bar stays as it was.
  await context.setOffline(true);
  await shop.addButtonOf('砀山酥梨').click();
  await shop.toast.waitFor();
  assert.equal(await shop.toast.innerText(), '网络不可用，请检查网络后重试');
  const box = await shop.toast.boundingBox();
  assert.ok(box.y > 812 / 2 && box.y + box.height < 812, `the toast is near the bottom of the screen: ${JSON.stringify(box)}`);
  assert.match(await shop.cartBar.innerText(), /1 件/, 'the cart bar keeps what the cart holds');
  await shot(page, 'ux-01-shop-offline');
  // Network back: the toast goes by itself.
  await context.setOffline(false);
  await shop.toast.waitFor({ state: 'detached' });

  // In the cart: + with the network down keeps the cart and the member.
  await shop.nav.toCart();
  const cart = new CartPage(page);
  await cart.lines.first().waitFor();
  await hydrated(page);
  const oranges = cart.line('赣南脐橙');
  await context.setOffline(true);
  await cart.addOne(oranges);
  await cart.toast.waitFor();
  assert.equal(await cart.toast.innerText(), '网络不可用，请检查网络后重试');
  assert.equal(await cart.lines.count(), 1, 'the cart stays');
  assert.equal(await cart.quantityOf(oranges), '1');
  assert.equal(await cart.alerts.count(), 0, 'no red boxes in the page');
  assert.equal(await cart.joinLink.count(), 0, 'a member stays a member');
  await shot(page, 'ux-02-cart-offline');
  await context.setOffline(false);
  await cart.toast.waitFor({ state: 'detached' });
  await cart.addOne(oranges);
  await until(() => cart.quantityOf(cart.line('赣南脐橙')), (q) => q === '2', { what: 'the oranges line' });

  await english(context);
  await page.reload();
  await hydrated(page);
  await context.setOffline(true);
  await cart.addOne(cart.line('赣南脐橙'));
  await cart.toast.waitFor();
  assert.equal(await cart.toast.innerText(), 'You are offline. Check your connection and try again.');
  await shot(page, 'ux-02b-cart-offline-en');
  await context.setOffline(false);
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('the per-person cap is checked when adding, and the cart says why a line cannot be ordered', async () => {
  const owner = await ownerApi();
  await api(owner.context, 'PATCH', `/api/v1/stores/${STORE}/products/${EGGS}`, { stock: 20, per_buyer_cap: 2 });
  const { context, page, errors } = await resident();

  const product = new ProductPage(page);
  await product.open(EGGS);
  await hydrated(page);
  assert.equal(await product.tapAdd(), 200);
  assert.equal(await product.tapAdd(), 200);
  // The third box is refused, with the cap in the message.
  assert.equal(await product.tapAdd(), 409);
  await product.toast.waitFor();
  assert.equal(await product.toast.innerText(), '每人限购2件');
  await shot(page, 'ux-03-cap-at-add');
  await product.open(KIWIS);
  await hydrated(page);
  await product.addToCart();

  // The owner lowers the cap to 1: the eggs line now says why it cannot be ordered, and the
  // total is the lines that can.
  await api(owner.context, 'PATCH', `/api/v1/stores/${STORE}/products/${EGGS}`, { per_buyer_cap: 1 });
  const cart = new CartPage(page);
  await cart.open();
  await hydrated(page);
  const eggs = cart.line('特价鲜鸡蛋');
  assert.equal(await cart.quantityOf(eggs), '2');
  assert.equal(await cart.problemOf(eggs).innerText(), '每人限购1件');
  assert.match(await eggs.innerText(), /未计入合计/);
  const kiwis = await api(context, 'GET', `/api/v1/stores/${STORE}/products/${KIWIS}`);
  assert.equal(await cart.total.innerText(), `¥${(kiwis.price / 100).toFixed(2)}`, 'the total is the lines counted in it');
  assert.equal(await cart.problemOf(cart.line('周至徐香猕猴桃')).count(), 0);
  assert.ok(await cart.placeOrderButton.isDisabled());
  await cart.blocked.waitFor();
  await shot(page, 'ux-04-cart-over-cap');
  await english(context);
  await page.reload();
  await hydrated(page);
  assert.equal(await cart.problemOf(cart.line('特价鲜鸡蛋')).innerText(), 'Limit 1 per person.');
  await shot(page, 'ux-04b-cart-over-cap-en');

  await api(owner.context, 'PATCH', `/api/v1/stores/${STORE}/products/${EGGS}`, { per_buyer_cap: 2 });
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
  await owner.context.close();
});

test('search covers the whole store from inside a category, and the chosen chip stays in view', async () => {
  const { context, page, errors } = await phone();
  const shop = new ShopPage(page);
  await shop.open();
  await shop.openCategory('休闲零食', 'snacks');
  // The row is drawn again for the category; its chip must still be on screen.
  await page.waitForTimeout(300);
  const chip = await shop.categoryChip('休闲零食').boundingBox();
  assert.ok(chip.x >= 0 && chip.x + chip.width <= 375, `the chosen chip is in view: ${JSON.stringify(chip)}`);
  await shot(page, 'ux-05-category-chip');
  await shop.search('鸡蛋');
  assert.ok(await shop.productCards.count() >= 1, 'eggs are found from inside 休闲零食');
  for (const name of await shop.productNames.allInnerTexts()) assert.match(name, /蛋/);
  assert.doesNotMatch(page.url(), /[?&]c=/, 'the search is the whole store');

  // An old link that searched inside a category says so and offers the whole store.
  await page.goto(`${BASE}/s/${STORE}?c=snacks&q=%E9%B8%A1%E8%9B%8B`);
  await shop.noResults.waitFor();
  assert.match(await shop.noResults.innerText(), /在「休闲零食」中没有找到/);
  await shop.noResults.getByRole('link').click();
  await shop.productNamed('鸡蛋').first().waitFor();
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('the join form keeps each household tag on one line, in Chinese and English', async () => {
  const { context, page } = await phone();
  await page.goto(`${BASE}/s/${STORE}/join`);
  const join = new JoinPage(page);
  await join.householdTags.first().waitFor();
  assert.equal(await join.householdTags.count(), 4);
  for (const label of await join.tagLabels().all()) {
    const box = await label.boundingBox();
    assert.ok(box.height < 40, `${await label.innerText()} is on one line (${box.height} px high)`);
  }
  await join.tagLabels().first().scrollIntoViewIfNeeded();
  await shot(page, 'ux-06-join-tags');
  await english(context);
  await page.reload();
  await join.householdTags.first().waitFor();
  for (const label of await join.tagLabels().all()) {
    assert.ok((await label.boundingBox()).height < 40, `${await label.innerText()} is on one line`);
  }
  await shot(page, 'ux-06b-join-tags-en');
  await context.close();
});

test('a wrong owner password keeps the phone', async () => {
  const { context, page, errors } = await phone();
  const owner = new OwnerPage(page);
  await owner.open();
  await owner.trySignIn(OWNER_PHONE, 'not-the-password');
  await owner.alert.waitFor();
  assert.equal(await owner.alert.innerText(), '手机号或密码不正确');
  assert.equal(await owner.phone.inputValue(), OWNER_PHONE, 'the phone stays');
  assert.equal(await owner.password.inputValue(), '', 'the password is typed again');
  await shot(page, 'ux-07-owner-wrong-password');
  await owner.password.fill(OWNER_PASSWORD);
  await owner.signInButton.click();
  await owner.pickupDay(1).waitFor();
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('too many wrong passwords for one phone: the wait, in Chinese', async () => {
  const { context, page, errors } = await phone();
  const owner = new OwnerPage(page);
  await owner.open();
  // A phone that is nobody's counts its tries like an owner's (and costs as much).
  const stranger = `1390${String(Date.now()).slice(-7)}`;
  const tryOnce = async (password) => {
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/sessions') && r.request().method() === 'POST');
    await owner.trySignIn(stranger, password);
    return (await answered).status();
  };
  for (let i = 0; i < 10; i += 1) assert.equal(await tryOnce(`guess-${i}`), 401, `try ${i + 1}`);
  assert.equal(await owner.alert.innerText(), '手机号或密码不正确');
  assert.equal(await tryOnce('guess-10'), 429);
  const said = await until(() => owner.alert.innerText(), (text) => text.startsWith('登录尝试次数过多'), { what: 'the 11th try' });
  assert.match(said, /^登录尝试次数过多，请\d+秒后再试$/);
  await shot(page, 'ux-07b-owner-too-many-tries');
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('English pages: dates, counts, messages and the pickup tabs', async () => {
  const { context, page, errors } = await phone();
  await english(context);
  // The join form's refusal is a sentence for people: words the resident's bundle does
  // not carry, read from the problem the worker sent (`messages`).
  await page.goto(`${BASE}/s/${STORE}/join`);
  await hydrated(page);
  const join = new JoinPage(page);
  await join.fill({ nickname: 'Amy', phone: '12345', building: '5' });
  await join.submit();
  await join.alert.waitFor();
  assert.equal(await join.alert.innerText(), 'Please enter a valid 11-digit mobile number.');
  await shot(page, 'ux-08-en-join-error');
  await join.fill({ phone: `157${String(Date.now()).slice(-8)}` });
  await join.join();

  // One product, three units: "… · 3 items"; the dates in English.
  const kiwis = await api(context, 'GET', `/api/v1/stores/${STORE}/products/${KIWIS}`);
  await api(context, 'PUT', `/api/v1/cart/items/${KIWIS}`, { quantity: 3 });
  const cart = new CartPage(page);
  await cart.open();
  await hydrated(page);
  const pickupDate = await page.getByTestId('pickup-date').innerText();
  assert.match(pickupDate, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}$/);
  await shot(page, 'ux-09-en-cart');
  await cart.placeOrder();
  const order = new OrderPage(page);
  await order.pickupCode.waitFor();
  assert.equal(await order.pickupDate.innerText(), pickupDate);
  assert.equal(await order.status.innerText(), 'Placed');
  await shot(page, 'ux-10-en-order');
  const orders = new OrdersPage(page);
  await orders.open();
  await orders.contents.first().waitFor();
  assert.equal(await orders.contents.first().innerText(), `${kiwis.name} · 3 items`);
  assert.match(await orders.orderCards.first().innerText(), /(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d\d:\d\d/);
  await shot(page, 'ux-11-en-orders');

  // The owner's pickup tabs fit a 375 px phone in English.
  const ownerPhone = await phone();
  await english(ownerPhone.context);
  const owner = new OwnerPage(ownerPhone.page);
  await owner.open();
  await owner.trySignIn(OWNER_PHONE, OWNER_PASSWORD);
  await owner.pickupDay(2).waitFor();
  for (const day of [0, 1, 2]) {
    const tab = await owner.pickupDay(day).boundingBox();
    assert.ok(tab.x >= 0 && tab.x + tab.width <= 375, `tab ${day} fits: ${JSON.stringify(tab)}`);
  }
  assert.equal(await owner.pickupDay(2).innerText(), 'In 2 days');
  await shot(ownerPhone.page, 'ux-12-en-owner-pickups');
  assert.deepEqual([...errors, ...ownerPhone.errors], [], 'no script errors');
  await context.close();
  await ownerPhone.context.close();
});

test('missing pages: one not-found page with a title, a way back and a 404', async () => {
  const { context, page, errors } = await phone();
  const missing = new NotFoundPage(page);

  const store = await page.goto(`${BASE}/s/st-nowhere`);
  assert.equal(store.status(), 404);
  assert.equal(await page.title(), '门店不存在 · 邻里');
  assert.equal(await page.locator('body').getByText('门店不存在').count(), 1, 'said once');
  assert.equal(await missing.searchBox.count(), 0, 'no search for a store that is not there');
  assert.equal(await missing.bottomNav.count(), 0, 'no shop menu');
  assert.equal(await missing.backLink.getAttribute('href'), '/');
  const panel = await missing.panel.boundingBox();
  assert.ok(panel.x >= 12 && panel.x + panel.width <= 375 - 12, `side margins: ${JSON.stringify(panel)}`);
  await shot(page, 'ux-13-store-not-found');

  const live = await page.goto(`${BASE}/l/l-nope`);
  assert.equal(live.status(), 404);
  assert.equal(await page.title(), '直播不存在 · 邻里');
  await missing.backLink.waitFor();

  const product = await page.goto(`${BASE}/s/${STORE}/p/p-nowhere`);
  assert.equal(product.status(), 404);
  assert.equal(await page.title(), '商品不存在或已下架 · 邻里');
  assert.equal(await missing.backLink.getAttribute('href'), `/s/${STORE}`);
  const box = await missing.panel.boundingBox();
  assert.ok(box.x >= 12, `side margin: ${JSON.stringify(box)}`);
  await shot(page, 'ux-14-product-not-found');

  const address = await page.goto(`${BASE}/no/such/page`);
  assert.equal(address.status(), 404);
  assert.equal(await page.title(), '页面不存在 · 邻里');

  // A product opened with the network down (a page of its own, from the server): the
  // service worker's Chinese offline page, with margins and a retry.
  const shop = new ShopPage(page);
  await shop.open();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await context.setOffline(true);
  await shop.openProduct(shop.productCards.nth(2));
  const offline = page.getByTestId('offline-title');
  await offline.waitFor();
  assert.equal(await offline.innerText(), '网络未连接');
  assert.ok((await offline.boundingBox()).x >= 12, 'side margin');
  await page.getByTestId('offline-retry').waitFor();
  await shot(page, 'ux-15-product-offline');
  await context.setOffline(false);

  await english(context);
  await page.goto(`${BASE}/s/st-nowhere`);
  assert.equal(await page.title(), 'This store does not exist · Linli');
  await shot(page, 'ux-13b-store-not-found-en');
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('signed out, 我的订单 offers signing in first and joining second', async () => {
  const { context, page, errors } = await phone();
  const orders = new OrdersPage(page);
  await orders.open();
  await orders.signInOrJoin.waitFor();
  assert.equal(await orders.alerts.count(), 0, 'no red error');
  const [first, second] = await orders.signInOrJoin.getByRole('link').all();
  assert.equal(await first.getAttribute('data-testid'), 'sign-in-link');
  assert.equal(await second.getAttribute('data-testid'), 'join-link');
  await shot(page, 'ux-16-orders-signed-out');
  await english(context);
  await page.reload();
  await orders.signInOrJoin.waitFor();
  await shot(page, 'ux-16b-orders-signed-out-en');
  // Sign-in opens the join page's sign-in part.
  await orders.signInLink.click();
  await page.waitForURL(/\/join\?sign_in=1/);
  const join = new JoinPage(page);
  await join.signInPhone.waitFor({ state: 'visible' });
  assert.equal(await join.signInPart.getAttribute('open'), '');
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('joining from a product page comes back to the product with a confirmation', async () => {
  const { context, page, errors } = await phone();
  const product = new ProductPage(page);
  await product.open(KIWIS);
  await hydrated(page);
  await product.joinToBuy.click();
  await page.waitForURL(/\/join\?next=/);
  await hydrated(page);
  const join = new JoinPage(page);
  await join.fill({ nickname: `回来${String(Date.now()).slice(-3)}`, phone: `156${String(Date.now()).slice(-8)}`, building: '2栋' });
  await join.submit();
  await page.waitForURL(new RegExp(`/s/${STORE}/p/${KIWIS}\\?joined=1$`));
  await product.joinedNotice.waitFor();
  assert.equal(await product.joinedNotice.innerText(), '已加入社区店，现在可以下单了');
  await product.addButton.waitFor();
  await shot(page, 'ux-17-joined-back-on-product');
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('an order of several products reads as kinds and units; the badge is the current step', async () => {
  const { context, page, errors } = await resident('两样');
  const kiwis = await api(context, 'GET', `/api/v1/stores/${STORE}/products/${KIWIS}`);
  await api(context, 'PUT', `/api/v1/cart/items/${KIWIS}`, { quantity: 2 });
  await api(context, 'PUT', `/api/v1/cart/items/${PEARS}`, { quantity: 1 });
  const cart = new CartPage(page);
  await cart.open();
  await hydrated(page);
  await cart.placeOrder();
  const order = new OrderPage(page);
  await order.pickupCode.waitFor();
  const steps = await order.timelineSteps.allInnerTexts();
  assert.match(steps.at(-1), new RegExp(`^${await order.status.innerText()}`), 'the badge is the last step');

  const orders = new OrdersPage(page);
  await orders.open();
  await orders.contents.first().waitFor();
  assert.equal(await orders.contents.first().innerText(), `${kiwis.name} 等 2 种商品，共 3 件`);
  await hydrated(page);
  await orders.deviceCodeButton.click();
  await orders.deviceCode.waitFor();
  await shot(page, 'ux-18-orders-contents-and-device-code');
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});
