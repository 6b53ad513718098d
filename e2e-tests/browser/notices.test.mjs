// A resident's notices, in real Chromium at 375 px: a wish she voted for is stocked, the
// bell in the top bar shows 1, her notice list shows it as new and opens its product,
// and the badge is gone once she has seen the list (after a reload too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, api, hydrated, phone, shot, uniquePhone, useBrowser } from './phone.mjs';
import { OWNER_PASSWORD, OWNER_PHONE } from './pages/owner_page.mjs';
import { NoticesPage } from './pages/notices_page.mjs';
import { ProductPage } from './pages/product_page.mjs';

useBrowser();

test('the bell counts a stocked wish and her notice list marks it read', async () => {
  const resident = await phone();
  const { page, context } = resident;
  await api(context, 'POST', `/api/v1/stores/${STORE}/residents`,
    { nickname: '等杨梅', phone: uniquePhone('135'), building: '6栋', unit: '1单元', household_tags: [] });
  const wish = await api(context, 'POST', `/api/v1/stores/${STORE}/demands`, { text: `想要仙居杨梅 ${Date.now() % 10000}` });

  // Signed in, no news yet: the bell, no badge.
  const notices = new NoticesPage(page);
  await page.goto(`${BASE}/s/${STORE}`);
  await hydrated(page);
  await notices.bell.waitFor();
  assert.equal(await notices.badge.count(), 0, 'no badge at 0');

  const owner = await phone();
  await api(owner.context, 'POST', '/api/v1/sessions', { phone: OWNER_PHONE, password: OWNER_PASSWORD });
  const products = await api(owner.context, 'GET', `/api/v1/stores/${STORE}/products`);
  const product = products.products.find((p) => p.name === '阳光玫瑰葡萄');
  await api(owner.context, 'POST', `/api/v1/demands/${wish.id}/status-changes`, { status: 'stocked', product_id: product.id });

  await page.goto(`${BASE}/s/${STORE}`);
  await hydrated(page);
  await notices.badge.waitFor();
  assert.equal(await notices.badge.innerText(), '1');
  assert.equal(await notices.bell.getAttribute('aria-label'), '消息，1条未读');
  await shot(page, '65-notice-badge');

  // The bell opens her list (a page of its own, loaded from the server), which marks them read.
  const marked = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/notices/read') && r.ok());
  await notices.bell.click();
  await page.waitForURL(/\/me\/notices$/);
  await notices.items.first().waitFor();
  const item = notices.item('心愿上架啦');
  assert.match(await item.innerText(), /新/);
  assert.match(await item.innerText(), /阳光玫瑰葡萄/);
  assert.equal(await notices.unreadItems.count(), 1, 'shown as new on the visit that reads it');
  await marked;
  await notices.badge.waitFor({ state: 'detached' });
  await shot(page, '66-notice-list');

  await notices.open();
  await notices.items.first().waitFor();
  assert.equal(await notices.unreadItems.count(), 0, 'read after a reload');
  assert.equal(await notices.badge.count(), 0);
  await item.getByRole('link').click();
  await page.waitForURL(/\/p\//);
  assert.equal(await new ProductPage(page).title.innerText(), '阳光玫瑰葡萄');

  for (const p of [resident, owner]) assert.deepEqual(p.errors, [], 'no script errors');
});
