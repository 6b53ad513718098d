// 为你推荐 and 凑单推荐 on a new resident's phone, in real Chromium at 375 px: the strip is
// in the server's first HTML, each pick says why, one tap adds it; the cart suggests what
// goes with it and follows it; the English interface says the same in English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, hydrated, phone, shot, until, uniquePhone, useBrowser } from './phone.mjs';
import { CartPage } from './pages/cart_page.mjs';
import { JoinPage } from './pages/join_page.mjs';
import { ShopPage } from './pages/shop_page.mjs';

useBrowser();

/** A new resident of a family with children, back in the shop. */
async function family(lang) {
  const p = await phone();
  if (lang) await p.context.addCookies([{ name: 'lang', value: lang, url: BASE }]);
  await p.page.goto(`${BASE}/s/${STORE}/join`);
  await hydrated(p.page);
  const join = new JoinPage(p.page);
  await join.fill({ nickname: `小林妈妈${Date.now() % 1000}`, phone: uniquePhone('139'), building: '9栋' });
  await join.tick(lang === 'en' ? 'Children' : '有小孩');
  await join.join();
  return p;
}

test('a new family sees 为你推荐 with reasons, adds a pick, and the cart suggests what goes with it', async () => {
  const { page, context } = await family();
  const shop = new ShopPage(page);
  await shop.open();

  // Server-rendered: the first HTML already has the strip.
  const html = await (await context.request.get(`${BASE}/s/${STORE}`)).text();
  assert.match(html, /为你推荐/);
  assert.match(html, /data-testid="recommendation"/);

  assert.equal(await shop.picks.count(), 10);
  const reasons = await shop.pickReasons.allInnerTexts();
  assert.ok(reasons.some((r) => r === '有小孩的家庭常买'), reasons.join(' / '));
  assert.ok(reasons.every((r) => ['有小孩的家庭常买', '本店本周热销', '店长推荐'].includes(r)), reasons.join(' / '));
  // The strip scrolls sideways; the page itself does not.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page wider than the phone by ${overflow}px`);
  await shot(page, '60-recommendations');

  await shop.addPick(0).click();
  await until(() => shop.cartBar.innerText(), (t) => /1 件/.test(t), { what: 'the cart bar' });

  const cart = new CartPage(page);
  await shop.cartBar.click();
  await page.waitForURL(`**/s/${STORE}/cart`);
  await hydrated(page);
  await cart.suggestions.waitFor();
  const count = await cart.suggested.count();
  assert.ok(count >= 1 && count <= 3, `${count} suggestions`);
  assert.match(await cart.suggestions.innerText(), /凑单推荐[\s\S]*常和 .+ 一起买/);
  await shot(page, '61-cart-suggestions', { fullPage: true });

  // Adding one puts it in the cart and out of the suggestions.
  const first = cart.suggested.first();
  const added = await first.getAttribute('data-product');
  await first.getByRole('button').click();
  await until(() => cart.lines.count(), (n) => n === 2, { what: 'the cart' });
  await until(
    async () => (await cart.suggested.evaluateAll((els) => els.map((e) => e.dataset.product))).includes(added),
    (shown) => !shown,
    { what: 'the suggestions' },
  );
});

test('the strip speaks English in the English interface', async () => {
  const { page } = await family('en');
  const shop = new ShopPage(page);
  await shop.open();
  await shop.recommendations.waitFor();
  assert.match(await shop.recommendations.innerText(), /Picked for you/);
  const reasons = await shop.pickReasons.allInnerTexts();
  assert.ok(reasons.some((r) => /Families with kids buy it|Selling well here this week/.test(r)), reasons.join(' / '));
  await shot(page, '62-recommendations-en');
});
