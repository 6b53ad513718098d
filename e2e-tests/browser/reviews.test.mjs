// 口碑 on a resident's phone and the owner's, in real Chromium at 375 px: a resident who
// picked up an order reviews what she bought with a photo taken on the phone (a large
// PNG, which the phone shrinks to a JPEG before uploading), sees it on the product page
// with 已购, the owner features it (shown on the store's home as 邻居晒单) and then hides
// it, and she is told why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, api, hydrated, phone, shot, uniquePhone, useBrowser } from './phone.mjs';
import { OwnerPage } from './pages/owner_page.mjs';
import { OwnerReviewsPage } from './pages/owner_reviews_page.mjs';
import { ProductPage } from './pages/product_page.mjs';
import { ReviewFormPage } from './pages/review_form_page.mjs';

useBrowser();

const PRODUCT = 'p-walnut';

/** A big photo as a phone's camera roll would hand it over: a 2400 × 1800 PNG. */
async function cameraPhoto(page) {
  const base64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 2400; c.height = 1800;
    const g = c.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, 1800);
    sky.addColorStop(0, '#f6ead2'); sky.addColorStop(1, '#c89b5e');
    g.fillStyle = sky; g.fillRect(0, 0, 2400, 1800);
    for (let i = 0; i < 14; i += 1) {
      g.fillStyle = i % 2 ? '#a8743a' : '#8c5a2b';
      g.beginPath(); g.ellipse(300 + (i % 7) * 300, 600 + Math.floor(i / 7) * 500, 150, 120, i, 0, 7); g.fill();
    }
    return c.toDataURL('image/png').split(',')[1];
  });
  return { name: 'IMG_2041.png', mimeType: 'image/png', buffer: Buffer.from(base64, 'base64') };
}

test('a resident reviews what she picked up with a photo; the owner features it, then hides it', async () => {
  // The owner stocks the product; the resident joins and orders it; the owner hands it over.
  const owner = await phone();
  await new OwnerPage(owner.page).signIn();
  await api(owner.context, 'PATCH', `/api/v1/stores/${STORE}/products/${PRODUCT}`, { stock: 200, per_buyer_cap: null });
  const resident = await phone();
  await api(resident.context, 'POST', `/api/v1/stores/${STORE}/residents`,
    { nickname: '晒单的刘姐', phone: uniquePhone('135'), building: '2栋', unit: '1单元', household_tags: [] });
  const { pickup_points: [point] } = await api(resident.context, 'GET', `/api/v1/stores/${STORE}`);
  const placed = await resident.context.request.post(`${BASE}/api/v1/orders`, {
    data: { pickup_point_id: point.id, lines: [{ product_id: PRODUCT, quantity: 1 }] },
    headers: { 'Idempotency-Key': `review-journey-${Date.now()}` },
  });
  assert.equal(placed.status(), 201, await placed.text());
  const { order } = await placed.json();
  await api(owner.context, 'POST', `/api/v1/orders/${order.id}/status-changes`, { status: 'ready_for_pickup' });
  await api(owner.context, 'POST', `/api/v1/orders/${order.id}/status-changes`, { status: 'picked_up', pickup_code: order.pickup_code });

  // Her order offers 写评价 on the line she has not reviewed.
  const { page } = resident;
  await page.goto(`${BASE}/s/${STORE}/orders/${order.id}`);
  await hydrated(page);
  const write = page.getByTestId('write-review');
  await write.waitFor();
  await shot(page, 'reviews-01-order');
  await write.click();
  const form = new ReviewFormPage(page);
  await form.text.waitFor();
  await hydrated(page);
  assert.equal(await form.product.innerText(), '新疆纸皮核桃');

  // Four stars, a few words, a photo picked from the phone.
  const text = `核桃很饱满，一捏就开，孩子当零食 ${Date.now() % 10000}`;
  await form.rate(4);
  await form.text.fill(text);
  await form.pick([await cameraPhoto(page)]);
  await shot(page, 'reviews-02-form');
  const uploaded = page.waitForResponse((r) => r.url().includes('/photos') && r.request().method() === 'POST');
  await form.submitButton.click();
  const upload = await uploaded;
  assert.equal(upload.status(), 201, 'the phone sent a JPEG of at most 1600 px (a PNG or a bigger one is refused)');
  assert.equal(upload.request().headers()['content-type'], 'image/jpeg');

  // She lands on the product page: her review with 已购, its photo, the rating.
  await page.waitForURL(/\/p\/p-walnut\?reviewed=1/);
  const product = new ProductPage(page);
  await page.getByTestId('reviewed-notice').waitFor();
  const mine = page.getByTestId('review').filter({ hasText: text });
  await mine.waitFor();
  assert.match(await mine.innerText(), /已购/);
  assert.match(await mine.innerText(), /晒\*+/);
  const photo = mine.locator('img.review-photo');
  await photo.waitFor();
  assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0 && img.naturalWidth <= 1600), 'the photo loads');
  assert.match(await page.getByTestId('rating').innerText(), /★/);
  await mine.scrollIntoViewIfNeeded();
  await shot(page, 'reviews-03-product');
  assert.equal(await product.title.innerText(), '新疆纸皮核桃');

  // The owner features it: first on the page, and on the store's home.
  const reviews = new OwnerReviewsPage(owner.page);
  await reviews.open();
  await reviews.review(text).waitFor();
  await reviews.feature(text);
  await shot(owner.page, 'reviews-04-owner');
  await page.goto(`${BASE}/s/${STORE}`);
  await hydrated(page);
  const strip = page.getByTestId('featured-reviews');
  await strip.getByText('新疆纸皮核桃').first().waitFor();
  await strip.scrollIntoViewIfNeeded();
  await shot(page, 'reviews-05-home');

  // The owner hides it with a reason; she is told, and her reviews say why.
  await reviews.hide(text, '照片与商品无关');
  await page.goto(`${BASE}/s/${STORE}/orders`);
  await hydrated(page);
  const notice = page.getByTestId('community-notice');
  await notice.waitFor({ timeout: 10000 });
  assert.match(await notice.innerText(), /评价已被隐藏/);
  await notice.getByRole('link').click();
  await page.waitForURL(/\/me\/reviews/);
  const reason = page.getByTestId('hidden-reason');
  await reason.waitFor();
  assert.match(await reason.innerText(), /照片与商品无关/);
  await shot(page, 'reviews-06-hidden');

  for (const p of [resident, owner]) assert.deepEqual(p.errors, [], 'no script errors');
});
