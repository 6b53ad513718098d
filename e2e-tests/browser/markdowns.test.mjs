// 临期特价 and coupons on a resident's phone, in real Chromium at 375 px: the owner marks a
// near-expiry batch down; the resident finds it under 临期特价 with its best-before date and
// the regular price struck through, buys it at the new price, and her coupon (满减), offered
// and chosen in the cart, comes off the order's total.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, api, hydrated, phone, shot, until, uniquePhone, useBrowser } from './phone.mjs';
import { CartPage } from './pages/cart_page.mjs';
import { JoinPage } from './pages/join_page.mjs';
import { ShopPage } from './pages/shop_page.mjs';

useBrowser();

/** Store A's near-expiry product (2 days' shelf life) no other journey orders. */
const PRODUCT = 'p-pork-belly';
const OWNER = { phone: '13800000001', password: process.env.DEMO_OWNER_PASSWORD ?? 'linli-demo-2026' };
const yuan = (fen) => `¥${(fen / 100).toFixed(2)}`;

test('a marked-down batch is bought at its new price, with a coupon off the total', async () => {
  const owner = await phone();
  await api(owner.context, 'POST', '/api/v1/sessions', OWNER);
  const marked = await api(owner.context, 'POST', `/api/v1/stores/${STORE}/markdowns`, { product_id: PRODUCT, rate: 80 });
  const price = marked.price;
  const regular = marked.markdown.regular_price;
  assert.ok(price < regular, `${price} < ${regular}`);

  const { page, context, errors } = await phone();
  await page.goto(`${BASE}/s/${STORE}/join`);
  await hydrated(page);
  const join = new JoinPage(page);
  await join.fill({ nickname: `临期${Date.now() % 1000}`, phone: uniquePhone('136'), building: '12栋' });
  await join.join();
  const me = await api(context, 'GET', '/api/v1/me');
  await api(owner.context, 'POST', `/api/v1/stores/${STORE}/coupons`,
    { person_ids: [me.person_id], terms: { amount: 500, threshold: 2000, valid_days: 7 } });

  // 临期特价: the tab lists it with the date plainly and the regular price struck through.
  const shop = new ShopPage(page);
  await shop.open();
  await shop.dealsTab.click();
  await page.waitForURL(/deals=1/);
  await hydrated(page);
  const card = shop.card(PRODUCT);
  await card.waitFor();
  assert.equal(await card.getByTestId('shelf-price').innerText(), yuan(price));
  assert.match(await card.getByTestId('markdown-label').innerText(), /^临期特价 8折 · 最佳食用期至\d+月\d+日$/);
  assert.equal(await card.locator('s.price-regular').innerText(), yuan(regular));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page wider than the phone by ${overflow}px`);
  await shot(page, '70-deals');

  // Two in the cart: the line says 临期特价, the coupon is offered and chosen.
  await card.getByRole('button', { name: '加入购物车' }).click();
  await until(() => shop.cartBar.innerText(), (t) => /1 件/.test(t), { what: 'the cart bar' });
  const cart = new CartPage(page);
  await cart.open();
  await hydrated(page);
  const line = cart.line('五花肉');
  await line.waitFor();
  await cart.addOne(line);
  await until(() => cart.quantityOf(line), (q) => q === '2', { what: 'the line quantity' });
  assert.match(await line.getByTestId('markdown-label').innerText(), /临期特价 8折/);
  const goods = price * 2;
  assert.equal(await cart.coupons.count(), 1);
  assert.match(await cart.coupons.first().innerText(), /满¥20\.00减¥5\.00 · 有效期至\d+月\d+日/);
  assert.ok(await cart.coupons.first().locator('input').isChecked(), 'the coupon is chosen');
  await until(() => cart.total.innerText(), (t) => t === yuan(goods - 500), { what: 'the total after the coupon' });
  assert.equal(await cart.couponSums.innerText(), `商品金额 ${yuan(goods)} · 优惠券抵扣 −¥5.00`);
  await shot(page, '71-cart-coupon', { fullPage: true });

  await cart.placeOrder();
  await hydrated(page);
  assert.equal(await page.getByTestId('order-total').innerText(), yuan(goods - 500));
  assert.match(await page.getByTestId('order-coupon').innerText(), /优惠券抵扣 −¥5\.00/);
  await shot(page, '72-order-coupon', { fullPage: true });

  // The coupon is spent: the next cart does not offer it.
  const coupons = await api(context, 'GET', '/api/v1/me/coupons');
  assert.equal(coupons.coupons[0].state, 'used');
  assert.deepEqual(errors, []);
});
