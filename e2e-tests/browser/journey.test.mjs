// A resident's first evening with Linli, in real Chromium against the real local edge:
// join -> browse -> search -> add to cart -> order -> see the order and its pickup code.
// Each page is driven through its page object in ./pages/. Screenshots (375 px wide) are
// kept in e2e-tests/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hydrated, phone, shot, useBrowser } from './phone.mjs';
import { CartPage } from './pages/cart_page.mjs';
import { JoinPage } from './pages/join_page.mjs';
import { OrderPage } from './pages/order_page.mjs';
import { OrdersPage } from './pages/orders_page.mjs';
import { OwnerPage } from './pages/owner_page.mjs';
import { ProductPage } from './pages/product_page.mjs';
import { ShopPage } from './pages/shop_page.mjs';
import { StoresPage } from './pages/stores_page.mjs';

useBrowser();

test('a resident joins, finds eggs, orders for tomorrow and gets a pickup code', async () => {
  const { page, errors } = await phone();
  const mobile = `139${String(Date.now()).slice(-8)}`;
  const nickname = `李阿姨${mobile.slice(-3)}`;

  const stores = new StoresPage(page);
  await stores.open();
  await assert.doesNotReject(stores.storeCards.first().waitFor());
  await shot(page, '01-stores');

  const shop = new ShopPage(page);
  await shop.open({ hydrate: false });
  assert.ok(await shop.productCards.count() >= 20, 'the shop shows products on first paint');
  await shop.joinBanner.waitFor();
  await shot(page, '02-shop-visitor');

  // Join the store.
  await shop.startJoining();
  const join = new JoinPage(page);
  await join.fill({ nickname, phone: '12345', building: '7栋' });
  await join.submit();
  await join.alert.waitFor();
  assert.match(await join.alert.innerText(), /手机号/, 'bad phone gets a Chinese message');
  await shot(page, '03-join-error');
  await join.fill({ phone: mobile });
  await join.tick('有老人');
  await join.join();

  // Search for eggs and add them.
  await shop.search('鸡蛋');
  await shop.productNamed('鸡蛋').first().waitFor();
  assert.ok(await shop.productCards.count() >= 1, 'search finds eggs');
  for (const name of await shop.productNames.allInnerTexts()) assert.match(name, /鸡蛋|蛋/);
  await shop.addButtons.first().click();
  await shop.cartBar.waitFor();
  await shot(page, '04-search-eggs');

  // Open a product page and add it too.
  await shop.open();
  await shop.openProduct(shop.availableProducts.nth(1));
  const product = new ProductPage(page);
  await product.title.waitFor();
  await hydrated(page);
  await product.origin.waitFor();
  await shot(page, '05-product');
  await product.addToCart();

  // Cart, then order.
  await shop.nav.toCart();
  const cart = new CartPage(page);
  await cart.lines.first().waitFor();
  await hydrated(page);
  assert.equal(await cart.lines.count(), 2);
  assert.match(await cart.total.innerText(), /^¥\d+\.\d\d$/);
  await shot(page, '06-cart');
  await cart.placeOrder();
  const order = new OrderPage(page);
  const orderUrl = page.url();
  const pickupDate = await order.pickupDate.innerText();
  await order.pickupCode.waitFor();
  const code = await order.pickupCode.innerText();
  assert.match(code, /^\d{6}$/, 'a six-digit pickup code');
  assert.match(await order.status.innerText(), /已下单/);
  await shot(page, '07-order');

  // The order is listed, and survives a reload.
  await shop.nav.toOrders();
  const orders = new OrdersPage(page);
  await orders.orderCards.first().waitFor();
  await page.reload();
  assert.equal(await orders.orderCards.count(), 1);
  await shot(page, '08-orders');

  assert.deepEqual(errors, [], 'no script errors in the page');

  // The owner, on another phone, prepares the order and hands it over against the code.
  const owner = await phone();
  const pickups = new OwnerPage(owner.page);
  await pickups.signIn();
  // The order is for tomorrow, or the day after when placed after 22:00: open that day.
  await pickups.openPickupDay(pickupDate);
  // Hundreds of orders may be due that day: the owner finds hers by the code she shows,
  // and the row found by it is ready to hand over with that code.
  await pickups.search(code);
  const row = pickups.pickupRow(nickname);
  await pickups.markReady(row);
  assert.equal(await row.getByRole('textbox').inputValue(), code, 'the code searched for is the one to hand over with');
  await shot(owner.page, '09-owner-pickups');
  await pickups.handOver(row);
  await shot(owner.page, '10-owner-handed-over');
  assert.deepEqual(owner.errors, [], 'no script errors in the owner console');

  await order.open(orderUrl);
  assert.match(await order.status.innerText(), /已提货/);
  assert.equal(await order.timelineSteps.count(), 3);
  assert.equal(await order.cancelButton.count(), 0, 'a handed-over order cannot be cancelled');
});
