// 库存 in the console, on a 375 px phone: the owner records a 收货 (units and best-before),
// a 报损 with its reason, and a 盘点 by typing a product's barcode (as the camera would)
// and correcting the count; each shows in the latest movements and in the shelf the API
// gives. A write-off larger than the shelf is refused in Chinese and moves nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, api, hydrated, phone, shot, useBrowser } from './phone.mjs';
import { OWNER_PASSWORD, OWNER_PHONE } from './pages/owner_page.mjs';

useBrowser();

/** The store's date `days` from today, as a date input takes it. */
const storeDate = (days) => new Date(Date.now() + days * 86400000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

test('收货, 报损 and 盘点 move the shelf and are listed, at 375 px', async () => {
  const { context, page, errors } = await phone();
  await api(context, 'POST', '/api/v1/sessions', { phone: OWNER_PHONE, password: OWNER_PASSWORD });
  const shelf = async (id) => (await api(context, 'GET', `/api/v1/stores/${STORE}/stock`)).products.find((p) => p.product_id === id);
  // A SKU with a barcode that no other journey of this file set moves.
  const sheet = await api(context, 'GET', `/api/v1/stores/${STORE}/stock`);
  const product = [...sheet.products].sort((a, b) => a.product_id.localeCompare(b.product_id))[22];
  assert.ok(product.barcode, 'the demo products have barcodes');
  const start = product.available;

  await page.goto(`${BASE}/owner/stock`);
  await hydrated(page);
  // 收货: 12 units, best before in 20 days.
  await page.getByTestId('stock-receipt-product').selectOption(product.product_id);
  await page.getByTestId('stock-receipt-quantity').fill('12');
  await page.getByTestId('stock-receipt-best-before').fill(storeDate(20));
  await page.getByTestId('stock-receipt-add').click();
  await page.getByTestId('stock-receipt-line').waitFor();
  assert.match(await page.getByTestId('stock-receipt-line').innerText(), new RegExp(`${product.name}[\\s\\S]*\\+12`));
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  await shot(page, '84-owner-stock-receipt');
  await page.getByTestId('stock-receipt-send').click();
  await page.getByTestId('stock-done').waitFor();
  assert.equal((await shelf(product.product_id)).available, start + 12);
  const newest = page.getByTestId('stock-movement').first();
  assert.match(await newest.innerText(), new RegExp(`收货[\\s\\S]*${product.name}[\\s\\S]*\\+12`));

  // 报损: more than the shelf is refused in Chinese; 2 expired are written off.
  await page.getByTestId('stock-tab-write-off').click();
  await page.getByTestId('stock-write-off-product').selectOption(product.product_id);
  await page.getByTestId('stock-write-off-quantity').fill(String(start + 13));
  await page.getByTestId('stock-write-off-send').click();
  await page.getByText(`货架上只有${start + 12}件，报损数量不能更多`).waitFor();
  await shot(page, '85-owner-stock-write-off-refused');
  assert.equal((await shelf(product.product_id)).available, start + 12, 'nothing moved');
  await page.getByTestId('stock-write-off-quantity').fill('2');
  await page.getByTestId('stock-write-off-reason').selectOption('expired');
  await page.getByTestId('stock-write-off-send').click();
  await page.getByTestId('stock-done').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="stock-movement"]')?.dataset.kind === 'write_off');
  assert.match(await page.getByTestId('stock-movement').first().innerText(), /报损[\s\S]*-2[\s\S]*过期/);
  assert.equal((await shelf(product.product_id)).available, start + 10);

  // 盘点: the barcode typed twice counts two; she corrects it to one short of the record.
  await page.getByTestId('stock-tab-count').click();
  const code = page.getByTestId('stock-count-code');
  for (let i = 0; i < 2; i++) {
    await code.fill(product.barcode);
    await code.press('Enter');
  }
  const line = page.locator(`[data-testid="stock-count-line"][data-product="${product.product_id}"]`);
  assert.equal(await line.getByTestId('stock-count-counted').inputValue(), '2');
  await line.getByTestId('stock-count-counted').fill(String(start + 9));
  assert.equal(await line.getByTestId('stock-count-diff').innerText(), '-1');
  await code.fill('不存在的商品');
  await code.press('Enter');
  await page.getByText('没有找到“不存在的商品”对应的商品').waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  await shot(page, '86-owner-stock-count');
  await page.getByTestId('stock-count-confirm').click();
  await page.getByTestId('stock-done').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="stock-movement"]')?.dataset.kind === 'count');
  assert.equal((await shelf(product.product_id)).available, start + 9);
  await shot(page, '87-owner-stock-history', { fullPage: true });
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});
