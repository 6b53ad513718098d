// The counter on a busy evening, and a resident who signed out getting back in, in real
// Chromium at 375 px against the real local edge:
// - a resident signs out (asked first, told how to get back in), asks for a code by SMS
//   (the development edge's outbox at /dev/sms stands in for her phone) and is back with
//   her orders; another gets a code from the owner at the counter;
// - the owner of a store with over 500 orders due finds the 501st by its 跟团号 and by
//   the pickup code its resident shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'playwright-core';
import { BASE, STORE, hydrated, phone, shot, uniquePhone, useBrowser } from './phone.mjs';
import { JoinPage } from './pages/join_page.mjs';
import { OwnerPage, OWNER_PASSWORD } from './pages/owner_page.mjs';
import { ShopPage } from './pages/shop_page.mjs';

useBrowser();

/** The newest sign-in code the development outbox shows for `mobile`. */
async function codeFromOutbox(page, mobile) {
  const outbox = await page.context().newPage();
  await outbox.goto(`${BASE}/dev/sms`);
  const entry = outbox.getByTestId('sms-outbox').getByRole('listitem').filter({ hasText: mobile }).first();
  const text = await entry.innerText();
  await shot(outbox, '22-dev-sms-outbox');
  await outbox.close();
  return text.match(/登录验证码(\d{6})/)[1];
}

/**
 * Waits for the shop a sign-in lands on. The join page's router moves the address first and
 * the shop (another bundle) then loads as a page of its own: until its cards are there, a
 * new `goto` would be cut short by that load.
 */
async function backInTheShop(page) {
  await page.waitForURL(`**/s/${STORE}`);
  await new ShopPage(page).productCards.first().waitFor();
}

test('a resident signs out, gets a code by SMS and is back with her orders; the owner can issue one too', async () => {
  const { page, errors } = await phone();
  const mobile = uniquePhone();
  const join = new JoinPage(page);
  await page.goto(`${BASE}/s/${STORE}/join`);
  await hydrated(page);
  await join.fill({ nickname: `王阿姨${mobile.slice(-3)}`, phone: mobile, building: '2栋' });
  await join.join();

  // 我的订单 → 退出登录 asks first and says how to get back in.
  await page.goto(`${BASE}/s/${STORE}/orders`);
  await hydrated(page);
  await page.getByTestId('sign-out').click();
  const question = page.getByRole('alertdialog');
  await question.waitFor();
  assert.match(await question.innerText(), /短信验证码/);
  await shot(page, '20-sign-out-asks');
  await page.getByTestId('sign-out-confirm').click();
  await page.getByRole('button', { name: '退出登录' }).waitFor({ state: 'detached' });

  // Back in with a texted code.
  await page.goto(`${BASE}/s/${STORE}/join?sign_in=1`);
  await hydrated(page);
  await page.getByTestId('join-code-phone').fill(mobile);
  await page.getByTestId('send-code').click();
  const sent = page.getByTestId('code-sent');
  await sent.waitFor();
  assert.match(await sent.innerText(), new RegExp(`${mobile.slice(0, 3)}\\*\\*\\*\\*${mobile.slice(-4)}`));
  await shot(page, '21-code-sent');
  const code = await codeFromOutbox(page, mobile);
  await page.getByTestId('join-code').fill(code);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await backInTheShop(page);
  await page.goto(`${BASE}/s/${STORE}/orders`);
  await page.getByTestId('sign-out').waitFor();

  // Signed out again, with no SMS: the owner issues a code at the counter.
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-out-confirm').click();
  await page.getByRole('button', { name: '退出登录' }).waitFor({ state: 'detached' });
  const owner = await phone();
  const counter = new OwnerPage(owner.page);
  await counter.signIn();
  const counterCode = await counter.issueSignInCode(mobile);
  assert.match(counterCode, /^\d{6}$/);
  assert.match(await owner.page.getByText(/登录码，给/).innerText(), /王阿姨/);
  await shot(owner.page, '23-counter-sign-in-code');
  await page.goto(`${BASE}/s/${STORE}/join?sign_in=1`);
  await hydrated(page);
  await page.getByTestId('join-code-phone').fill(mobile);
  await page.getByTestId('join-code').fill(counterCode);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await backInTheShop(page);
  assert.deepEqual(errors, [], 'no script errors in the page');
  assert.deepEqual(owner.errors, [], 'no script errors in the owner console');
});

/**
 * Makes sure store C has at least 501 orders due on one day (the API journeys leave
 * exactly that; run alone, this places them) and returns that day, and the pickup code and
 * 跟团号 of one order as its buyer has them (the owner's answers never carry the code).
 */
async function busyEvening() {
  const store = 'st-yulin';
  const api = await request.newContext({ baseURL: BASE });
  const owner = await request.newContext({ baseURL: BASE });
  const signedIn = await owner.post('/api/v1/sessions', { data: { phone: '13800000003', password: OWNER_PASSWORD } });
  assert.equal(signedIn.status(), 201);
  const products = await (await api.get(`/api/v1/stores/${store}/products`)).json();
  const sku = products.products.map((p) => p.id).sort()[0];
  const info = await (await api.get(`/api/v1/stores/${store}`)).json();
  const pickup = info.pickup_points[0].id;
  const buyer = await request.newContext({ baseURL: BASE });
  const joined = await buyer.post(`/api/v1/stores/${store}/residents`, {
    data: { nickname: '晚高峰', phone: uniquePhone(), building: '1栋', unit: '', household_tags: [] },
  });
  assert.equal(joined.status(), 201);
  const probe = await buyer.post('/api/v1/orders', {
    headers: { 'Idempotency-Key': `evening-probe-${Date.now()}` },
    data: { pickup_point_id: pickup, lines: [{ product_id: sku, quantity: 1 }] },
  });
  const { pickup_date: day, pickup_code: shownCode } = (await probe.json()).order;
  const list = async (q = '') => (await owner.get(`/api/v1/stores/${store}/orders`, { params: { pickup_date: day, q } })).json();
  let total = (await list()).day_total;
  await owner.patch(`/api/v1/stores/${store}/products/${sku}`, { data: { stock: 5000 } });
  for (let i = 0; total < 501; i += 1, total += 1) {
    const placed = await buyer.post('/api/v1/orders', {
      headers: { 'Idempotency-Key': `evening-${Date.now()}-${i}` },
      data: { pickup_point_id: pickup, lines: [{ product_id: sku, quantity: 1 }] },
    });
    assert.equal(placed.status(), 201);
  }
  assert.equal((await list('#501')).orders.length, 1);
  const shown = (await list(shownCode)).orders;
  assert.equal(shown.length, 1);
  await Promise.all([api.dispose(), owner.dispose(), buyer.dispose()]);
  return { day, shownCode, shownGroup: shown[0].group_number };
}

test('the owner finds the 501st order of a busy evening by its 跟团号, and an order by the code its buyer shows', async () => {
  const { day, shownCode, shownGroup } = await busyEvening();
  const { page, errors } = await phone();
  const counter = new OwnerPage(page);
  await counter.signIn({ phone: '13800000003' });
  // The day's tab (tomorrow, or the day after when it is past 22:00), by its date.
  const shown = `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
  assert.ok(await counter.openPickupDay(shown), `a tab for ${day}`);
  assert.equal(await counter.pickupRows.count(), 50, 'a page of 50');
  assert.match(await counter.pickupCount.innerText(), /共 \d+ 单/);
  await counter.moreButton.click();
  await counter.pickupRows.nth(50).waitFor();
  await shot(page, '24-pickups-more');

  await counter.search('#501');
  await counter.groupRow(501).waitFor();
  assert.equal(await counter.pickupRows.count(), 1);

  await counter.search(shownCode);
  await counter.groupRow(shownGroup).waitFor();
  assert.equal(await counter.pickupRows.count(), 1);
  await shot(page, '25-pickup-found-by-code');
  assert.deepEqual(errors, [], 'no script errors in the owner console');
});
