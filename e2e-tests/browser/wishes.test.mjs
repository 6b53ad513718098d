// 心愿单 on two residents' phones and the owner's, in real Chromium at 375 px: a resident
// writes a wish, a neighbour adds +1, the owner stocks it, and the neighbour is told.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, hydrated, phone, shot, uniquePhone, useBrowser } from './phone.mjs';
import { JoinPage } from './pages/join_page.mjs';
import { OwnerPage } from './pages/owner_page.mjs';
import { OwnerWishesPage } from './pages/owner_wishes_page.mjs';
import { ProductPage } from './pages/product_page.mjs';
import { WishesPage } from './pages/wishes_page.mjs';

useBrowser();

async function resident(nickname) {
  const p = await phone();
  const mobile = uniquePhone('136');
  await p.page.goto(`${BASE}/s/${STORE}/join`);
  await hydrated(p.page);
  const join = new JoinPage(p.page);
  await join.fill({ nickname, phone: mobile, building: '8栋' });
  await join.join();
  return p;
}

test('a wish gathers a neighbour\'s +1, the owner stocks it and the neighbour is told', async () => {
  const wishText = `想要云南蓝莓，最好是大果 ${Date.now() % 10000}`;
  const author = await resident('蓝莓控');
  await author.page.getByTestId('wishes-entry').click();
  const wishes = new WishesPage(author.page);
  await wishes.text.waitFor();
  await hydrated(author.page);
  await wishes.write(wishText, '25');
  const mine = wishes.wish(wishText);
  assert.match(await mine.innerText(), /1人想要/);
  assert.match(await mine.innerText(), /我的心愿/);
  assert.match(await mine.innerText(), /征集中/);
  await shot(author.page, '30-wish-written');

  const neighbour = await resident('也想要');
  const theirs = new WishesPage(neighbour.page);
  await theirs.open();
  await theirs.vote(wishText);
  assert.match(await theirs.wish(wishText).innerText(), /2人想要/);
  await shot(neighbour.page, '31-wish-voted');

  const owner = await phone();
  await new OwnerPage(owner.page).signIn();
  const answers = new OwnerWishesPage(owner.page);
  await answers.open();
  await answers.wish(wishText).waitFor();
  await shot(owner.page, '32-owner-wishes');
  await answers.stock(wishText, '阳光玫瑰葡萄');
  await shot(owner.page, '33-owner-wish-stocked');

  // The neighbour's next page shows the notice, which opens the product.
  await neighbour.page.goto(`${BASE}/s/${STORE}`);
  await hydrated(neighbour.page);
  const notice = neighbour.page.getByTestId('community-notice');
  await notice.waitFor({ timeout: 10000 });
  assert.match(await notice.innerText(), /上架/);
  await shot(neighbour.page, '34-wish-notice');
  await notice.getByRole('link').click();
  await neighbour.page.waitForURL(/\/p\//);
  assert.equal(await new ProductPage(neighbour.page).title.innerText(), '阳光玫瑰葡萄');

  for (const p of [author, neighbour, owner]) assert.deepEqual(p.errors, [], 'no script errors');
});
