// 经营数据 in the console, on a 375 px phone: the last 7 days of the seeded 古北店 as the
// API gives them, each with its change from the week before and its 13-week trend drawn
// in the server's HTML, the best sellers, today so far, 重新统计, and the page in English;
// then 总部: every store ranked by the number HQ picks, one store's page read-only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, api, hydrated, phone, shot, useBrowser } from './phone.mjs';
import { OWNER_PASSWORD, OWNER_PHONE } from './pages/owner_page.mjs';

useBrowser();

// The demo chain's HQ account (edge-worker/seed/demo-chain.json).
const HQ_PHONE = '13800000000';

const card = (page, metric) => page.locator(`[data-testid="numbers-card"][data-metric="${metric}"]`);

test('经营数据 shows the week\'s numbers with their change and trend, readable at 375 px', async () => {
  const { context, page, errors } = await phone();
  await api(context, 'POST', '/api/v1/sessions', { phone: OWNER_PHONE, password: OWNER_PASSWORD });
  // The HTML as the server sends it already holds the charts.
  const html = await (await context.request.get(`${BASE}/owner/numbers`)).text();
  assert.match(html, /<svg[^>]*numbers-trend[\s\S]*?<polyline points="[\d., ]+"/, 'a trend in the server HTML');

  await page.goto(`${BASE}/owner/numbers`);
  await hydrated(page);
  const numbers = await api(context, 'GET', `/api/v1/stores/${STORE}/numbers`);
  const week = numbers.weeks.at(-1);
  assert.equal(await page.getByTestId('numbers-card').count(), 11);
  assert.equal(await card(page, 'mau').getByTestId('numbers-value').innerText(), String(week.mau));
  assert.equal(await card(page, 'orders').getByTestId('numbers-value').innerText(), String(week.orders));
  const yuan = (fen) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
  assert.equal(await card(page, 'aov').getByTestId('numbers-value').innerText(), yuan(week.aov));
  assert.match(await card(page, 'repurchase').getByTestId('numbers-change').innerText(), /^较前一周 (持平|[▲▼] \d+\.\d 个百分点)$/);
  assert.equal(await card(page, 'sales').locator('polyline').count(), 1, '13 weeks of sales, unbroken');
  assert.match(await page.getByTestId('numbers-top').innerText(), new RegExp(numbers.top_products[0].name));
  assert.equal(await page.getByTestId('numbers-today').innerText(), `今日截至 ${numbers.updated_at ? new Date(numbers.updated_at).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }) : ''}：${numbers.today.orders} 单，${yuan(numbers.today.paid)}`);
  // Nothing wider than the phone.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  await shot(page, '80-owner-numbers');
  await shot(page, '80-owner-numbers-full', { fullPage: true });

  await page.getByTestId('numbers-refresh').click();
  await page.getByTestId('numbers-refresh').waitFor({ state: 'visible' });
  await page.waitForFunction(() => !document.querySelector('[data-testid="numbers-refresh"]').disabled);
  assert.equal(await page.getByTestId('numbers-card').count(), 11);

  await context.addCookies([{ name: 'lang', value: 'en', url: BASE }]);
  await page.goto(`${BASE}/owner/numbers`);
  await hydrated(page);
  assert.equal(await card(page, 'mau').locator('.numbers-label').innerText(), 'Monthly active residents');
  assert.match(await card(page, 'mau').getByTestId('numbers-change').innerText(), /^vs the week before /);
  await shot(page, '81-owner-numbers-en');
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('the owner gives the store\'s area and staff, and 坪效 and 人效 follow', async () => {
  const { context, page, errors } = await phone();
  await api(context, 'POST', '/api/v1/sessions', { phone: OWNER_PHONE, password: OWNER_PASSWORD });
  const { size } = await api(context, 'GET', `/api/v1/stores/${STORE}/numbers`);
  assert.notDeepEqual(size, { area_m2: 135, staff: 6 }, 'a size other than the one given below');
  await page.goto(`${BASE}/owner/numbers`);
  await hydrated(page);
  assert.equal(await page.getByTestId('numbers-size').innerText(), `营业面积 ${size.area_m2} 平方米 · 员工 ${size.staff} 人`);
  await page.getByTestId('numbers-size-edit').locator('summary').click();
  await page.getByTestId('numbers-area').fill('0');
  await page.getByTestId('numbers-size-save').click();
  await page.getByText('营业面积需在1到10000平方米之间').waitFor();
  assert.equal(await page.getByTestId('numbers-area').inputValue(), '0', 'what she typed stays');
  await shot(page, '88-owner-numbers-size-refused');

  await page.getByTestId('numbers-area').fill('135');
  await page.getByTestId('numbers-staff').fill('6');
  await page.getByTestId('numbers-size-save').click();
  await page.getByTestId('numbers-size-saved').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="numbers-size"]')?.innerText.includes('135'));
  assert.equal(await page.getByTestId('numbers-size').innerText(), '营业面积 135 平方米 · 员工 6 人');
  const numbers = await api(context, 'GET', `/api/v1/stores/${STORE}/numbers`);
  assert.deepEqual(numbers.size, { area_m2: 135, staff: 6 });
  const week = numbers.weeks.at(-1);
  assert.equal(week.paid_per_m2, Math.floor((2 * week.paid + 135) / 270), '坪效 by the new area');
  const yuan = (fen) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
  assert.equal(await card(page, 'per_m2').getByTestId('numbers-value').innerText(), yuan(week.paid_per_m2));
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  await shot(page, '89-owner-numbers-size-saved');
  await api(context, 'PUT', `/api/v1/stores/${STORE}/size`, size);
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('总部 ranks every store by the number it picks, and opens one read-only', async () => {
  const { context, page, errors } = await phone();
  await api(context, 'POST', '/api/v1/sessions', { phone: HQ_PHONE, password: OWNER_PASSWORD });
  const chain = await api(context, 'GET', '/api/v1/chain/numbers');
  await page.goto(`${BASE}/hq`);
  await hydrated(page);
  const order = () => page.getByTestId('hq-store').evaluateAll((rows) => rows.map((r) => r.dataset.store));
  // Sales first: most sold first.
  const bySales = [...chain.stores].sort((a, b) => b.this_week.paid - a.this_week.paid || a.store_id.localeCompare(b.store_id)).map((s) => s.store_id);
  assert.deepEqual(await order(), bySales);
  assert.match(await page.getByTestId('hq-chain').innerText(), /全链 3 家门店/);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  await shot(page, '82-hq-stores');
  // Ranked by orders instead.
  await page.getByTestId('hq-rank-by').selectOption('orders');
  const byOrders = [...chain.stores].sort((a, b) => b.this_week.orders - a.this_week.orders || a.store_id.localeCompare(b.store_id));
  await page.waitForFunction((first) => document.querySelector('[data-testid="hq-store"]').dataset.store === first, byOrders[0].store_id);
  assert.deepEqual(await order(), byOrders.map((s) => s.store_id));
  assert.equal(await page.getByTestId('hq-store-value').first().innerText(), String(byOrders[0].this_week.orders));
  // One store's page: its numbers, and no button to count again.
  await page.locator('[data-store="st-xixi"] a').click();
  await page.waitForURL(/\/hq\/stores\/st-xixi$/);
  await page.getByTestId('numbers-card').first().waitFor();
  assert.equal(await page.getByTestId('numbers-card').count(), 11);
  assert.equal(await page.getByTestId('numbers-refresh').count(), 0);
  assert.equal(await page.getByTestId('numbers-size-edit').count(), 0, 'HQ changes no store\'s size');
  await shot(page, '83-hq-store');
  // HQ is no owner: the console asks it to sign in as one.
  await page.goto(`${BASE}/owner`);
  await hydrated(page);
  assert.equal(await page.getByTestId('owner-nav-orders').count(), 0);
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});
