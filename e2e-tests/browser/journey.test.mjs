// A resident's first evening with Linli, in real Chromium against the real local edge:
// join -> browse -> search -> add to cart -> order -> see the order and its pickup code.
// Screenshots (375 px wide) are kept in e2e-tests/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, hydrated, phone, shot, useBrowser } from './phone.mjs';

useBrowser();

test('a resident joins, finds eggs, orders for tomorrow and gets a pickup code', async () => {
  const { page, errors } = await phone();
  const mobile = `139${String(Date.now()).slice(-8)}`;
  const nickname = `李阿姨${mobile.slice(-3)}`;

  await page.goto(`${BASE}/`);
  await assert.doesNotReject(page.getByTestId('store-card').first().waitFor());
  await shot(page, '01-stores');

  await page.goto(`${BASE}/s/${STORE}`);
  const cards = page.getByTestId('product-card');
  assert.ok(await cards.count() >= 20, 'the shop shows products on first paint');
  await page.getByTestId('join-banner').waitFor();
  await shot(page, '02-shop-visitor');

  // Join the store.
  await page.getByTestId('join-banner').click();
  await page.waitForURL(`**/s/${STORE}/join`);
  await hydrated(page);
  await page.getByTestId('join-nickname').fill(nickname);
  await page.getByTestId('join-phone').fill('12345');
  await page.getByTestId('join-building').fill('7栋');
  await page.getByTestId('join-submit').click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /手机号/, 'bad phone gets a Chinese message');
  await shot(page, '03-join-error');
  await page.getByTestId('join-phone').fill(mobile);
  await page.getByText('有老人').click();
  await page.getByTestId('join-submit').click();
  await page.waitForURL(`**/s/${STORE}`);
  await hydrated(page);

  // Search for eggs and add them.
  await page.getByTestId('search-input').fill('鸡蛋');
  await page.getByTestId('search-input').press('Enter');
  await page.waitForURL(/q=/);
  await page.locator('.product-name', { hasText: '鸡蛋' }).first().waitFor();
  const eggs = page.getByTestId('product-card');
  assert.ok(await eggs.count() >= 1, 'search finds eggs');
  for (const name of await page.locator('.product-name').allInnerTexts()) assert.match(name, /鸡蛋|蛋/);
  const addButtons = page.locator('[data-testid=add-to-cart]:not([disabled])');
  await addButtons.first().click();
  await page.getByTestId('cart-bar').waitFor();
  await shot(page, '04-search-eggs');

  // Open a product page and add it too.
  await page.goto(`${BASE}/s/${STORE}`);
  await hydrated(page);
  const firstAvailable = page.locator('[data-testid=product-card]:has([data-testid=add-to-cart]:not([disabled]))').nth(1);
  await firstAvailable.locator('.product-name').click();
  await page.getByTestId('product-title').waitFor();
  await hydrated(page);
  await page.getByTestId('origin').waitFor();
  await shot(page, '05-product');
  await page.getByTestId('add-to-cart').click();
  await page.getByText(/已加入/).waitFor();

  // Cart, then order.
  await page.getByTestId('nav-cart').click();
  await page.waitForURL(`**/s/${STORE}/cart`);
  await page.getByTestId('cart-line').first().waitFor();
  await hydrated(page);
  assert.equal(await page.getByTestId('cart-line').count(), 2);
  assert.match(await page.getByTestId('cart-total').innerText(), /^¥\d+\.\d\d$/);
  await shot(page, '06-cart');
  await page.getByTestId('place-order').click();
  await page.waitForURL(/\/orders\/o-/);
  const orderUrl = page.url();
  const pickupDate = await page.getByTestId('pickup-date').innerText();
  await page.getByTestId('pickup-code').waitFor();
  const code = await page.getByTestId('pickup-code').innerText();
  assert.match(code, /^\d{6}$/, 'a six-digit pickup code');
  assert.match(await page.getByTestId('order-status').innerText(), /已下单/);
  await shot(page, '07-order');

  // The order is listed, and survives a reload.
  await page.getByTestId('nav-orders').click();
  await page.getByTestId('order-card').first().waitFor();
  await page.reload();
  assert.equal(await page.getByTestId('order-card').count(), 1);
  await shot(page, '08-orders');

  assert.deepEqual(errors, [], 'no script errors in the page');

  // The owner, on another phone, prepares the order and hands it over against the code.
  const owner = await phone();
  await owner.page.goto(`${BASE}/owner`);
  await hydrated(owner.page);
  await owner.page.getByTestId('owner-phone').fill('13800000001');
  await owner.page.getByTestId('owner-password').fill(process.env.DEMO_OWNER_PASSWORD ?? 'linli-demo-2026');
  await owner.page.getByRole('button', { name: '登录' }).click();
  await owner.page.getByTestId('pickup-day-1').waitFor();
  const row = owner.page.getByTestId('pickup-row').filter({ hasText: nickname });
  // The order is for tomorrow, or the day after when placed after 22:00: open that day.
  for (const day of ['pickup-day-1', 'pickup-day-2']) {
    await owner.page.getByTestId(day).click();
    const shown = owner.page.getByTestId('pickup-list-date').filter({ hasText: pickupDate });
    if (await shown.waitFor({ timeout: 5000 }).then(() => true, () => false)) break;
  }
  await row.getByRole('button', { name: '备货完成' }).click();
  await row.getByRole('textbox').fill(code);
  await shot(owner.page, '09-owner-pickups');
  await row.getByRole('button', { name: '确认提货' }).click();
  await row.getByText('已提货').waitFor();
  await shot(owner.page, '10-owner-handed-over');
  assert.deepEqual(owner.errors, [], 'no script errors in the owner console');

  await page.goto(orderUrl);
  assert.match(await page.getByTestId('order-status').innerText(), /已提货/);
  assert.equal(await page.getByTestId('timeline').locator('li').count(), 3);
  assert.equal(await page.getByTestId('cancel-order').count(), 0, 'a handed-over order cannot be cancelled');
});
