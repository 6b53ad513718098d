// 备货 in the console, on a 375 px phone: tomorrow's pick list per pickup point (totals,
// then bags by 跟团号, never a pickup code), printed alone; a supplier's purchase order sent
// with 发送 and received by the demo supplier; with the demo supplier switched off, another
// order retried and put on the dead-letter list, then 重发 once it is back: delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, STORE, api, artifact, hydrated, phone, shot, uniquePhone, until } from './phone.mjs';
import { OWNER_PASSWORD, OWNER_PHONE } from './pages/owner_page.mjs';
import { useBrowser } from './phone.mjs';

useBrowser();

// A meat-and-eggs SKU of the seeded 古北店 (演示供应商·肉蛋水产).
const SKU = 'p-pork-ribs';

test('备货: pick list by 跟团号, printable; purchase orders sent, dead-lettered and resent, at 375 px', async () => {
  const { context: buyer } = await phone();
  await api(buyer, 'POST', `/api/v1/stores/${STORE}/residents`,
    { nickname: '备货测试', phone: uniquePhone('136'), building: '7栋', unit: '2单元', household_tags: [] });
  const store = await api(buyer, 'GET', `/api/v1/stores/${STORE}`);
  const placed = await buyer.request.post(`${BASE}/api/v1/orders`, {
    headers: { 'Idempotency-Key': `supply-browser-${Date.now()}` },
    data: { pickup_point_id: store.pickup_points[0].id, lines: [{ product_id: SKU, quantity: 2 }] },
  });
  assert.equal(placed.status(), 201);
  const { order } = await placed.json();

  const { context, page, errors } = await phone();
  await api(context, 'POST', '/api/v1/sessions', { phone: OWNER_PHONE, password: OWNER_PASSWORD });
  const plan = await api(context, 'GET', `/api/v1/stores/${STORE}/supply?pickup_date=${order.pickup_date}`);
  await page.goto(`${BASE}/owner/supply`);
  await hydrated(page);
  const tomorrow = await api(context, 'GET', `/api/v1/stores/${STORE}/supply`);
  // The page shows tomorrow; the order is tomorrow's unless placed after 22:00.
  if (tomorrow.pickup_date === order.pickup_date) {
    const bag = page.locator(`[data-testid="supply-bag"][data-order="${order.id}"]`);
    assert.match(await bag.innerText(), /跟团号 \d+/);
    assert.ok(!(await page.getByTestId('supply-picks').innerText()).includes(order.pickup_code), 'never a pickup code');
  }
  assert.equal(await page.getByTestId('supply-point').count(), tomorrow.pick_list.length);
  assert.equal(await page.getByTestId('supply-po').count(), tomorrow.purchase_orders.length);
  assert.ok(plan.pick_list.some((p) => p.bags.some((b) => b.order_id === order.id)), 'the order is in its day\'s pick list');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  await shot(page, '90-owner-supply');
  await shot(page, '90-owner-supply-full', { fullPage: true });

  // Printing gives the pick list alone.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.getByTestId('supply-print').isVisible(), false, 'no buttons on paper');
  assert.equal(await page.locator('.supply-pos').isVisible(), false, 'no purchase orders on the pick list');
  assert.equal(await page.getByTestId('supply-picks').isVisible(), true, 'the pick list');
  await shot(page, '91-owner-supply-print', { fullPage: true });
  await page.pdf({ path: artifact('91-owner-supply-pick-list.pdf'), printBackground: true });
  assert.match(readFileSync(artifact('91-owner-supply-pick-list.pdf'), 'latin1'), /\/Type\s*\/Page/);
  await page.emulateMedia({ media: 'screen' });

  // Two unsent orders: one to send while the supplier is up, one while it is down.
  const unsent = tomorrow.purchase_orders.filter((po) => !po.delivery);
  assert.ok(unsent.length >= 2, `two purchase orders to send: ${unsent.map((po) => po.id)}`);
  const [first, second] = unsent;
  const card = (po) => page.locator(`[data-testid="supply-po"][data-po="${po.id}"]`);
  const status = (po) => card(po).getAttribute('data-status');
  // Each refresh is let finish before the next: tapped faster than the plan comes back, the
  // page would keep starting it again and show the last plan it had.
  const planAnswered = (r) => new URL(r.url()).pathname === `/api/v1/stores/${STORE}/supply`;
  const refreshUntil = (po, wanted, what) => until(async () => {
    await Promise.all([page.waitForResponse(planAnswered), page.getByTestId('supply-refresh').click()]);
    await page.waitForTimeout(200);
    return status(po);
  }, wanted, { timeout: 40000, what });
  assert.equal(await card(first).getByTestId('supply-po-line').count(), first.lines.length);
  assert.match(await card(first).innerText(), /演示供应商/);
  await card(first).getByTestId('supply-send').click();
  await refreshUntil(first, (s) => s === 'delivered', 'the first order');
  assert.match(await card(first).innerText(), /供应商已收到/);
  const received = await api(context, 'GET', `/api/v1/stores/${STORE}/supply/demo-inbox`);
  assert.equal(received.received.filter((r) => r.purchase_order_id === first.id).length, 1);

  await api(context, 'PUT', `/api/v1/stores/${STORE}/supply/demo-inbox`, { open: false });
  await card(second).getByTestId('supply-send').click();
  await refreshUntil(second, (s) => s === 'retrying' || s === 'dead_lettered', 'the second order');
  await shot(page, '92-owner-supply-retrying');
  await refreshUntil(second, (s) => s === 'dead_lettered', 'the second order');
  const letter = page.locator(`[data-testid="supply-dead-letter"][data-po="${second.id}"]`);
  await letter.waitFor();
  await letter.scrollIntoViewIfNeeded();
  await shot(page, '93-owner-supply-dead-letter');
  await api(context, 'PUT', `/api/v1/stores/${STORE}/supply/demo-inbox`, { open: true });
  await letter.getByTestId('supply-resend').click();
  await refreshUntil(second, (s) => s === 'delivered', 'the resent order');
  assert.equal(await letter.count(), 0, 'off the dead-letter list');
  await shot(page, '94-owner-supply-delivered', { fullPage: true });

  await context.addCookies([{ name: 'lang', value: 'en', url: BASE }]);
  await page.goto(`${BASE}/owner/supply`);
  await hydrated(page);
  assert.match(await card(first).innerText(), /Received by the supplier/);
  await shot(page, '95-owner-supply-en');
  assert.deepEqual(errors, [], 'no script errors');
  await Promise.all([context.close(), buyer.close()]);
});
