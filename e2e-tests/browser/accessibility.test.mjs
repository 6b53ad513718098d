// Accessibility of the four pages a resident lands on — the store list, a shop, a product
// and a live room on air — checked with axe-core (the engine behind Lighthouse's
// accessibility audits) in real Chromium at 375 px: in Chinese as a visitor, and in
// English as a joined resident (who sees the buy buttons). Every violation fails the
// test, whatever its impact; the page's `lang` must match the language it is shown in.
// Then the keyboard: the resident reaches 立即抢购 with Tab, sees where focus is, and buys
// with Enter. The Chinese pages are kept as screenshots (375 px) in e2e-tests/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BASE, STORE, api, hydrated, phone, shot, uniquePhone, useBrowser } from './phone.mjs';
import { LivePage } from './pages/live_page.mjs';

useBrowser();

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString();

/** Runs axe on what the page shows now (WCAG 2.x A and AA, and axe's best practices);
 * answers its violations as readable lines. Evaluated through the devtools protocol, so
 * the page's CSP (no inline scripts) does not stop it. */
async function violations(page) {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    resultTypes: ['violations'],
  }));
  return results.violations.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.html).join(' | ')}`);
}

let pages;

/** The four pages' paths, with a live put on air with an open offer the first time
 * (through the API; the console is live.test.mjs's). */
async function fourPages() {
  if (pages) return pages;
  const owner = await phone();
  await api(owner.context, 'POST', '/api/v1/sessions', { phone: '13800000001', password: process.env.DEMO_OWNER_PASSWORD ?? 'linli-demo-2026' });
  const live = await api(owner.context, 'POST', `/api/v1/stores/${STORE}/lives`,
    { title: `无障碍检查${String(Date.now()).slice(-4)}`, starts_at: inSeconds(60), cover_url: '/images/live/cover.svg' });
  await api(owner.context, 'POST', `/api/v1/lives/${live.id}/status-changes`, { status: 'live' });
  const { products } = await api(owner.context, 'GET', `/api/v1/stores/${STORE}/products`);
  const product = products.find((p) => p.available >= 20 && !p.per_buyer_cap);
  await api(owner.context, 'POST', `/api/v1/lives/${live.id}/offers`, {
    product_id: product.id, flash_price: Math.round(product.price * 0.8), allotted: 10,
    opens_at: inSeconds(-1), closes_at: inSeconds(1800),
  });
  await owner.context.close();
  pages = [['store list', '/'], ['shop', `/s/${STORE}`], ['product', `/s/${STORE}/p/${product.id}`], ['live room', `/l/${live.id}`]];
  return pages;
}

for (const [who, lang] of [['a visitor, in Chinese', 'zh-CN'], ['a resident, in English', 'en']]) {
  test(`the four pages pass axe for ${who}`, async () => {
    const { context, page, errors } = await phone();
    if (lang === 'en') {
      await context.addCookies([{ name: 'lang', value: 'en', url: BASE }]);
      await api(context, 'POST', `/api/v1/stores/${STORE}/residents`,
        { nickname: '无障碍', phone: uniquePhone('135'), building: '3栋', unit: '', household_tags: [] });
    }
    const found = [];
    for (const [name, path] of await fourPages()) {
      await page.goto(`${BASE}${path}`);
      await hydrated(page);
      assert.equal(await page.getAttribute('html', 'lang'), lang, `${name}: <html lang>`);
      for (const line of await violations(page)) found.push(`${name}: ${line}`);
      if (lang === 'zh-CN') await shot(page, `a11y-${pages.findIndex(([n]) => n === name) + 1}-${name.replace(' ', '-')}`);
    }
    if (lang === 'en') await buyWithTheKeyboard(page);
    await context.close();
    assert.deepEqual(found, [], 'no accessibility violations');
    assert.deepEqual(errors, [], 'no script errors');
  });
}

/** On the live room (the last page open): Tab until 立即抢购 has focus, with a visible
 * focus ring, then Enter buys. */
async function buyWithTheKeyboard(page) {
  const room = new LivePage(page);
  const focused = () => page.evaluate(() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName);
  const seen = [];
  for (let i = 0; i < 40 && (seen.at(-1) !== 'live-buy'); i += 1) {
    await page.keyboard.press('Tab');
    seen.push(await focused());
  }
  assert.equal(seen.at(-1), 'live-buy', `Tab reaches Buy (went through ${seen.join(', ')})`);
  const ring = await room.buyButton.evaluate((b) => getComputedStyle(b).outlineStyle);
  assert.notEqual(ring, 'none', 'the focused button shows a focus ring');
  await page.keyboard.press('Enter');
  await room.buySuccess.waitFor();
}
