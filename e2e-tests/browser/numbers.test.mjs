// 经营数据 in the console, on a 375 px phone: this week's numbers of the seeded 古北店 as
// the API gives them, each with its change from last week and its 13-week trend drawn in
// the server's HTML, the week's best sellers, 重新统计, and the page in English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, api, hydrated, phone, shot, useBrowser } from './phone.mjs';
import { OWNER_PASSWORD, OWNER_PHONE } from './pages/owner_page.mjs';

useBrowser();

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
