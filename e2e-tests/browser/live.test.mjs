// The live room from the resident's side, in real Chromium against the real local edge:
// the owner (another phone, in the owner console) schedules a live, goes on air and pins a
// flash offer; the resident in the room sees it within a second, buys with one tap, and
// both phones see the new 接龙 line. Also: comments with a KOC badge, a countdown that
// opens by itself, the shop's 直播 strip with the reminder toggle, the "your live has
// started" banner, and a visitor's join link.
// Screenshots (375 px wide) are kept in e2e-tests/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, hydrated, phone, shot, useBrowser } from './phone.mjs';

const OWNER_PHONE = '13800000001';
const OWNER_PASSWORD = process.env.DEMO_OWNER_PASSWORD ?? 'linli-demo-2026';

useBrowser();

/** A JSON API call with the context's cookies; fails the test on an unexpected status. */
async function api(context, method, path, data, expect = [200, 201]) {
  const response = await context.request.fetch(`${BASE}${path}`, { method, data, headers: { Accept: 'application/json' } });
  const body = await response.text();
  assert.ok(expect.includes(response.status()), `${method} ${path} -> ${response.status()} ${body}`);
  return body ? JSON.parse(body) : null;
}

const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString();

test('a resident sees the pinned offer live, buys with one tap, and both phones see the 接龙 line', async () => {
  // The owner signs in on their phone.
  const owner = await phone();
  const console_ = owner.page;
  await console_.goto(`${BASE}/owner`);
  await hydrated(console_);
  await console_.getByTestId('owner-phone').fill(OWNER_PHONE);
  await console_.getByTestId('owner-password').fill(OWNER_PASSWORD);
  await console_.getByRole('button', { name: '登录' }).click();
  await console_.getByTestId('pickup-day-1').waitFor();

  // A resident joins the store on another phone (the join form itself is journey.test.mjs's).
  const resident = await phone();
  const { page } = resident;
  const stamp = String(Date.now()).slice(-8);
  const me = await api(resident.context, 'POST', `/api/v1/stores/${STORE}/residents`,
    { nickname: `王阿姨${stamp.slice(-3)}`, phone: `137${stamp}`, building: '7栋', unit: '2单元301', household_tags: [] });

  // In the console the owner announces tonight's live and a later one, and marks the
  // resident a KOC so their comments carry the badge.
  await console_.goto(`${BASE}/owner/lives`);
  await hydrated(console_);
  const schedule = async (title, withStream) => {
    await console_.getByTestId('live-title').fill(title);
    if (withStream) await console_.getByTestId('live-use-demo-stream').click();
    await console_.getByTestId('live-cover-url').fill('/images/live/cover.svg');
    await console_.getByTestId('live-schedule').click();
    const done = console_.getByTestId('live-scheduled').filter({ hasText: title });
    await done.waitFor();
    return (await done.locator('a').getAttribute('href')).split('/').pop();
  };
  const title = `邻里测试直播${stamp.slice(-4)}`;
  const laterTitle = `明早鲜菜${stamp.slice(-4)}`;
  const live = await schedule(title, true);
  const later = await schedule(laterTitle, false);
  const residentRow = console_.locator(`[data-testid=resident-row][data-person-id="${me.person_id}"]`);
  await residentRow.getByTestId('koc-toggle').click();
  await console_.waitForFunction((id) => document.querySelector(`[data-testid=resident-row][data-person-id="${id}"] [data-testid=koc-toggle]`)
    ?.classList.contains('on'), me.person_id);

  // It goes on air from its console.
  await console_.goto(`${BASE}/owner/lives/${live}`);
  await hydrated(console_);
  await console_.getByTestId('live-start').click();
  await console_.locator('[data-testid=live-console-status][data-status=live]').waitFor();

  // The shop's 直播 strip: lives on air first, the later one with a reminder toggle.
  await page.goto(`${BASE}/s/${STORE}`);
  await hydrated(page);
  const strip = page.getByTestId('live-strip');
  await strip.waitFor();
  assert.equal(await strip.getByTestId('live-card').first().getAttribute('data-status'), 'live', 'lives on air come first');
  assert.match(await strip.locator(`[data-live="${live}"]`).innerText(), /直播中/);
  await strip.locator(`[data-live="${live}"]`).scrollIntoViewIfNeeded();
  await shot(page, 'live-01-shop-strip');
  const upcoming = strip.locator(`[data-live="${later}"]`);
  assert.match(await upcoming.innerText(), /未开始/);
  await upcoming.getByTestId('live-remind').click();
  await upcoming.getByText('已预约').waitFor();
  await upcoming.scrollIntoViewIfNeeded();
  await shot(page, 'live-01b-shop-strip-reminded');
  await page.reload();
  await hydrated(page);
  assert.match(await strip.locator(`[data-live="${later}"]`).getByTestId('live-remind').innerText(), /已预约/, 'the reminder is kept');

  // Into the live room from the strip.
  await strip.locator(`[data-live="${live}"] .live-card-link`).click();
  await page.waitForURL(`**/l/${live}`);
  await hydrated(page);
  assert.match(await page.getByTestId('live-status').innerText(), /直播中/);
  assert.equal(await page.getByTestId('live-video').getAttribute('src'), '/media/live-demo.webm');
  await page.getByTestId('no-offer').waitFor();

  // The owner pins a flash offer in the console; the resident sees it within 1 s.
  const products = await api(owner.context, 'GET', `/api/v1/stores/${STORE}/products`);
  const product = products.products.find((p) => p.available >= 30 && p.price >= 500);
  assert.ok(product, 'a product with stock to put on offer');
  const yuan = (fen) => (fen / 100).toFixed(2);
  const flash = Math.round(product.price * 0.7);
  await console_.getByTestId('pin-product').selectOption(product.id);
  await console_.getByTestId('pin-flash-price').fill(yuan(flash));
  await console_.getByTestId('pin-returning-price').fill(yuan(flash - 100));
  await console_.getByTestId('pin-allotted').fill('10');
  await console_.getByTestId('pin-cap').fill('3');
  await console_.getByTestId('pin-opens-in').fill('0');
  await console_.getByTestId('pin-duration').fill('30');
  await console_.getByTestId('pin-gift').fill('送小葱一把');
  const pinned = console_.waitForResponse((r) => r.request().method() === 'POST' && /\/offers$/.test(new URL(r.url()).pathname));
  await console_.getByTestId('pin-submit').click();
  const pinResponse = await pinned;
  assert.equal(pinResponse.status(), 201);
  const pinnedAt = Date.now();
  const offer = await pinResponse.json();
  await page.getByTestId('live-offer').waitFor({ timeout: 1000 });
  const seenAfter = Date.now() - pinnedAt;
  assert.ok(seenAfter <= 1000, `offer seen ${seenAfter} ms after pinning`);
  assert.equal(await page.getByTestId('live-offer').getAttribute('data-offer'), offer.id);
  assert.match(await page.getByTestId('live-offer-name').innerText(), new RegExp(product.name));
  assert.equal(await page.getByTestId('live-price').innerText(), `¥${yuan(flash)}`, 'a new customer pays the flash price');
  assert.equal(await page.getByTestId('live-regular-price').innerText(), `¥${yuan(product.price)}`);
  assert.equal(await page.getByTestId('live-other-price').innerText(), `老顾客专享 ¥${yuan(flash - 100)}`);
  assert.match(await page.getByTestId('live-stock').innerText(), /已抢 0\/10/);
  assert.match(await page.getByTestId('live-timer').innerText(), /距结束 \d\d:\d\d/);
  const buy = page.getByTestId('live-buy');
  assert.equal(await buy.innerText(), '立即抢购');

  // Two units, one tap.
  await page.getByTestId('live-qty-inc').click();
  assert.equal(await page.getByTestId('live-qty').innerText(), '2');
  await shot(page, 'live-02-room-before-buy');
  await buy.click();
  const success = page.getByTestId('live-buy-success');
  await success.waitFor();
  assert.match(await success.innerText(), /^抢到了！取货码 \d{6} · 查看订单/);
  const orderHref = await page.getByTestId('live-order-link').getAttribute('href');
  assert.match(orderHref, new RegExp(`^/s/${STORE}/orders/o-`));
  const pickupCode = await page.getByTestId('live-pickup-code').innerText();

  // Both phones see the 接龙 line; the resident's stock bar moves.
  const line = /^1\. 王\*+ 7栋 \+2$/;
  await page.getByTestId('live-chain-line').first().waitFor();
  assert.match(await page.getByTestId('live-chain-line').first().innerText(), line);
  assert.equal(await page.getByTestId('live-chain-total').innerText(), '1');
  await page.waitForFunction(() => /已抢 2\/10/.test(document.querySelector('[data-testid=live-stock]')?.textContent ?? ''));
  await console_.getByTestId('owner-chain-entry').filter({ hasText: /1\. 王\*+ 7栋 \+2/ }).waitFor();
  await shot(page, 'live-03-room-after-buy');

  // Buying past the cap gets the Chinese message, not raw text.
  await page.getByTestId('live-qty-inc').click();
  assert.equal(await page.getByTestId('live-qty').innerText(), '3');
  assert.ok(await page.getByTestId('live-qty-inc').isDisabled(), 'the stepper stops at the cap');
  await buy.click();
  await page.getByRole('alert').waitFor();
  assert.equal(await page.getByRole('alert').innerText(), '超出每人限购数量');

  // A comment from the resident (a KOC) shows in the room with the badge, and in the console.
  await page.getByTestId('live-comment-input').fill('番茄很新鲜，昨天买的很好吃！');
  await page.getByTestId('live-comment-send').click();
  const comment = page.getByTestId('live-comment').filter({ hasText: '番茄很新鲜' });
  await comment.waitFor();
  assert.equal(await comment.getByTestId('live-koc').innerText(), 'KOC');
  await console_.locator('[data-testid=owner-comment][data-koc=true]').filter({ hasText: '番茄很新鲜' }).waitFor();
  await shot(page, 'live-04-room-comment');
  await shot(console_, 'live-05-owner-console');

  // Once that order is picked up the resident is a returning customer: the room shows the
  // 老顾客专享 price as theirs.
  const orderId = orderHref.split('/').pop();
  await api(owner.context, 'POST', `/api/v1/orders/${orderId}/status-changes`, { status: 'ready_for_pickup' });
  await api(owner.context, 'POST', `/api/v1/orders/${orderId}/status-changes`, { status: 'picked_up', pickup_code: pickupCode });
  await page.reload();
  await hydrated(page);
  assert.equal(await page.getByTestId('live-price').innerText(), `¥${yuan(flash - 100)}`);
  assert.equal(await page.locator('[data-testid=live-offer] .live-tier').innerText(), '老顾客专享');
  assert.equal(await page.getByTestId('live-other-price').innerText(), `秒杀价 ¥${yuan(flash)}`);
  await shot(page, 'live-04b-room-returning-customer');

  // The next offer counts down and opens by itself (pinned through the API: the console's
  // opening delay is in whole minutes).
  const second = products.products.find((p) => p.id !== product.id && p.available >= 30 && p.price >= 500);
  await api(owner.context, 'POST', `/api/v1/lives/${live}/offers`, {
    product_id: second.id, flash_price: Math.round(second.price * 0.8), allotted: 5, opens_at: inSeconds(4), closes_at: inSeconds(600),
  });
  await page.getByTestId('live-offer-name').filter({ hasText: second.name }).waitFor({ timeout: 1000 });
  assert.match(await buy.innerText(), /^即将开抢 00:0\d$/, 'the button counts down to opening');
  assert.ok(await buy.isDisabled());
  await page.waitForTimeout(400); // the stock bar's width transition, for the picture
  await shot(page, 'live-06-room-countdown');
  await page.waitForFunction(() => document.querySelector('[data-testid=live-buy]')?.textContent === '立即抢购', null, { timeout: 8000 });
  assert.ok(await buy.isEnabled());

  // The order page the success linked to has the order.
  await page.goto(`${BASE}${orderHref}`);
  await page.getByTestId('pickup-code').waitFor();

  // The later live goes on air: the resident who asked to be reminded gets the banner.
  await console_.goto(`${BASE}/owner/lives/${later}`);
  await hydrated(console_);
  await console_.getByTestId('live-start').click();
  await console_.locator('[data-testid=live-console-status][data-status=live]').waitFor();
  await page.goto(`${BASE}/s/${STORE}`);
  await hydrated(page);
  const notice = page.getByTestId('live-notice');
  await notice.waitFor();
  assert.equal(await notice.locator('a').innerText(), `你预约的直播「${laterTitle}」开始了 · 进入直播间`);
  assert.equal(await notice.locator('a').getAttribute('href'), `/l/${later}`);
  await shot(page, 'live-07-shop-notice');
  await page.getByTestId('live-notice-dismiss').click();
  assert.equal(await page.getByTestId('live-notice').count(), 0, 'dismissed');
  await page.reload();
  await hydrated(page);
  assert.equal(await page.getByTestId('live-notice').count(), 0, 'stays dismissed in this tab');

  // A visitor who has not joined gets the join link instead of the buy button.
  const visitor = await phone();
  await visitor.page.goto(`${BASE}/l/${live}`);
  await visitor.page.getByTestId('live-offer').waitFor();
  assert.equal(await visitor.page.getByTestId('live-join').getAttribute('href'), `/s/${STORE}/join`);
  assert.equal(await visitor.page.getByTestId('live-join').innerText(), '加入社区后下单');
  assert.equal(await visitor.page.getByTestId('live-buy').count(), 0);

  // A shared link previews the live: server-rendered title and cover.
  const html = await (await visitor.context.request.get(`${BASE}/l/${live}`)).text();
  assert.match(html, new RegExp(`<meta property="og:title" content="${title}"`));
  assert.match(html, /<meta property="og:image" content="http[^"]+\/images\/live\/cover\.svg"/);

  // The owner ends the first live: ending is final, so one tap only asks; the second ends
  // it and the console shows the summary with the resident's order in it.
  await console_.goto(`${BASE}/owner/lives/${live}`);
  await hydrated(console_);
  await console_.getByTestId('live-end').click();
  await console_.getByTestId('live-end-confirm').waitFor();
  assert.equal(await console_.locator('[data-testid=live-console-status][data-status=live]').count(), 1, 'one tap does not end it');
  await console_.getByTestId('live-end-confirm').click();
  await console_.locator('[data-testid=live-console-status][data-status=ended]').waitFor();
  await console_.getByTestId('live-summary').waitFor();
  assert.equal(await console_.getByTestId('summary-orders').innerText(), '1');
  await shot(console_, 'live-08-owner-summary');

  for (const p of [owner, resident, visitor]) await p.context.close();
  for (const [who, errors] of [['owner', owner.errors], ['resident', resident.errors], ['visitor', visitor.errors]]) {
    assert.deepEqual(errors, [], `no script errors on the ${who}'s phone`);
  }
});
