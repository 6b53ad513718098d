// The owner's daily brain in the console, on a 375 px phone: 今日建议 lists each kind of
// suggestion of the seeded 古北店 with its numbers and its button, in Chinese and in
// English; 需求雷达 shows 无糖 rising with its neighbours this week and last and the
// sentences behind it; the live push's button opens the live console's pin form filled
// in with the suggested offer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, api, hydrated, phone, shot, until, useBrowser } from './phone.mjs';
import { OWNER_PASSWORD, OWNER_PHONE } from './pages/owner_page.mjs';

useBrowser();

const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString();

async function signedInOwner(lang) {
  const owner = await phone();
  if (lang === 'en') await owner.context.addCookies([{ name: 'lang', value: 'en', url: BASE }]);
  await api(owner.context, 'POST', '/api/v1/sessions', { phone: OWNER_PHONE, password: OWNER_PASSWORD });
  return owner;
}

const kinds = (page) => page.getByTestId('brain-suggestion').evaluateAll((rows) => rows.map((r) => r.dataset.kind));

test('今日建议 lists each kind of suggestion, and 需求雷达 shows 无糖 rising', async () => {
  const { context, page, errors } = await signedInOwner('zh-CN');
  await api(context, 'POST', `/api/v1/stores/${STORE}/brain`);
  await page.goto(`${BASE}/owner/brain`);
  await hydrated(page);
  const shown = await kinds(page);
  for (const kind of ['live_push', 'markdown', 'churn_coupon', 'rising_demand']) {
    assert.ok(shown.includes(kind), `${kind} in ${shown}`);
  }
  const push = page.locator('[data-kind="live_push"]').first();
  assert.match(await push.innerText(), /今晚直播主推 赣南脐橙：心愿单 12 位邻居想要/);
  assert.ok(await page.getByTestId('brain-sop').getByText('12 位邻居想要').first().isVisible());
  await shot(page, '40-owner-brain');
  await shot(page, '40-owner-brain-full', { fullPage: true });

  await page.getByTestId('owner-nav-radar').click();
  await page.waitForURL(/\/owner\/radar$/);
  const sugar = page.locator('[data-testid="radar-topic"][data-keyword="无糖"]');
  await sugar.waitFor();
  assert.match(await sugar.getByTestId('radar-count').innerText(), /本周 20 位/);
  assert.match(await sugar.innerText(), /上周 3 位/);
  assert.match(await sugar.innerText(), /↑/);
  await shot(page, '41-owner-radar');
  await shot(page, '41-owner-radar-full', { fullPage: true });
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('in English, and the live push opens the pin form filled in', async () => {
  const { context, page, errors } = await signedInOwner('en');
  // A live of this test's own, on air, so the console shows its pin form.
  const live = await api(context, 'POST', `/api/v1/stores/${STORE}/lives`,
    { title: `今日建议${String(Date.now()).slice(-4)}`, starts_at: inSeconds(60), cover_url: '/images/live/cover.svg' });
  await api(context, 'POST', `/api/v1/lives/${live.id}/status-changes`, { status: 'live' });
  const brain = await api(context, 'POST', `/api/v1/stores/${STORE}/brain`);
  const suggested = brain.suggestions.map((c) => c.suggestion).find((s) => s.kind === 'live_push');
  await page.goto(`${BASE}/owner/brain`);
  await hydrated(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const push = page.locator('[data-kind="live_push"]').first();
  assert.match(await push.innerText(), /Push 赣南脐橙 in tonight's live: 12 neighbours want it/);
  await shot(page, '42-owner-brain-en', { fullPage: true });
  await push.getByTestId('brain-act').click();
  await page.waitForURL(/\/owner\/lives\/.+\?product=p-orange-ganzhou/);
  await hydrated(page);
  const flash = page.getByTestId('pin-flash-price');
  await until(() => flash.inputValue(), (v) => v !== '', { what: 'the flash price' });
  // ¥29.90 at 85%, down to ¥x.90.
  assert.equal(await flash.inputValue(), '24.90');
  assert.equal(suggested.flash_price, 2490);
  await until(() => page.getByTestId('pin-product').inputValue(), (v) => v === 'p-orange-ganzhou', { what: 'the product' });
  assert.equal(await page.getByTestId('pin-allotted').inputValue(), String(suggested.allotted));
  assert.equal(await page.getByTestId('pin-cap').inputValue(), String(suggested.per_buyer_cap));
  await shot(page, '43-owner-pin-from-brain');
  await api(context, 'POST', `/api/v1/lives/${live.id}/status-changes`, { status: 'ended' });
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});
