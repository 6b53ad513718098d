// Browse-and-leave, the page's part, in real Chromium at 375 px: a resident who opens a
// product's page once and stays on it (100 s, on the page's clock) gets, when the
// follow-ups run a day later, the notice and coupon for it; her page told the edge how
// long she looked while she read. A visitor's page tells nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, api, hydrated, phone, uniquePhone, until, useBrowser } from './phone.mjs';
import { JoinPage } from './pages/join_page.mjs';

useBrowser();

/** Runs the browse follow-ups as the cron would at `at` (the operator's route). */
async function runFollowUps(context, at) {
  const response = await context.request.post(`${BASE}/api/v1/admin/browse-follow-ups`, {
    data: { at: at.toISOString() },
    headers: { Authorization: `Bearer ${process.env.SEED_TOKEN ?? 'local-seed-token'}` },
  });
  assert.equal(response.status(), 200, await response.text());
}

test('one long look at a product\'s page comes back a day later as a notice with a coupon', async () => {
  const visitor = await phone();
  const { products } = await api(visitor.context, 'GET', `/api/v1/stores/${STORE}/products`);
  // Dear enough for a coupon, in stock, and not one a journey before has marked down.
  const product = products.find((p) => p.price >= 1000 && p.available > 10 && !p.markdown).id;
  await visitor.page.goto(`${BASE}/s/${STORE}/p/${product}`);
  await hydrated(visitor.page);
  assert.equal(await visitor.page.locator('[data-view-product]').count(), 0, 'a visitor is not followed up');

  const { page, context, errors } = await phone();
  await page.goto(`${BASE}/s/${STORE}/join`);
  await hydrated(page);
  const join = new JoinPage(page);
  await join.fill({ nickname: `看了很久${Date.now() % 1000}`, phone: uniquePhone('135'), building: '3栋' });
  await join.join();
  // The page's clock, so that 100 s on the page take no time here (the page is read as
  // drawn: the fake clock holds the app's own timers).
  await page.clock.install();
  await page.goto(`${BASE}/s/${STORE}/p/${product}`);
  await page.locator('[data-view-product]').waitFor();
  assert.equal(await page.locator('[data-view-product]').getAttribute('data-view-product'), product);
  const told = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/product-views'));
  await page.clock.fastForward(100_000);
  const response = await told;
  assert.equal(response.status(), 204);
  const sent = JSON.parse(response.request().postData());
  assert.equal(sent.product_id, product);
  assert.ok(sent.seconds >= 100 && sent.seconds < 110, `seconds: ${sent.seconds}`);

  // The follow-ups a day on find her one long look.
  const notices = async () => {
    await runFollowUps(context, new Date(Date.now() + 25 * 3600 * 1000));
    const inbox = await api(context, 'GET', '/api/v1/me/notices');
    return inbox.community.filter((n) => n.kind === 'browse_follow_up' && n.path.endsWith(`/p/${product}`));
  };
  const found = await until(notices, (list) => list.length === 1, { what: 'her follow-up', timeout: 10000 });
  assert.equal(found[0].headline, '送你一张专用券');
  const { coupons } = await api(context, 'GET', '/api/v1/me/coupons');
  assert.equal(coupons.filter((h) => h.coupon.product_id === product).length, 1);
  assert.deepEqual(errors, []);
});
