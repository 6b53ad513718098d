// 品鉴会 on two residents' phones and the owner's, in real Chromium at 375 px: one books
// the last seat, the other joins the waitlist, the first cancels, the second is promoted
// and told, and the owner's door screen checks her in by the code she shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STORE, api, hydrated, phone, shot, uniquePhone, until, useBrowser } from './phone.mjs';
import { JoinPage } from './pages/join_page.mjs';
import { OwnerPage } from './pages/owner_page.mjs';
import { OwnerTastingPage } from './pages/owner_tasting_page.mjs';
import { TastingPage } from './pages/tasting_page.mjs';

useBrowser();

/** The wasm bundles the page loaded, by name. */
async function bundles(page) {
  return page.evaluate(() => performance.getEntriesByType('resource')
    .map((r) => new URL(r.name).pathname).filter((p) => p.endsWith('_bg.wasm'))
    .map((p) => p.replace('/pkg/', '').replace('_bg.wasm', '')));
}

async function resident(nickname, building) {
  const p = await phone();
  await p.page.goto(`${BASE}/s/${STORE}/join`);
  await hydrated(p.page);
  const join = new JoinPage(p.page);
  await join.fill({ nickname, phone: uniquePhone('135'), building });
  await join.join();
  return p;
}

test('the last seat, the waitlist, a cancellation that promotes, and the door', async () => {
  const owner = await phone();
  await new OwnerPage(owner.page).signIn();
  // Within the hour, so the door is open; one seat, so the second phone waits.
  const startsAt = new Date(Date.now() + 40 * 60 * 1000).toISOString();
  const title = `今晚草莓试吃 ${Date.now() % 1000}`;
  const tasting = await api(owner.context, 'POST', `/api/v1/stores/${STORE}/tastings`, {
    title, starts_at: startsAt, place: '店内二楼品鉴区', seats: 1, seats_per_household: 1,
  });

  const first = await resident('早到的', '2栋');
  await first.page.goto(`${BASE}/s/${STORE}`);
  await hydrated(first.page);
  await first.page.getByTestId('tastings-entry').click();
  await first.page.getByTestId('tasting-card').first().waitFor();
  await shot(first.page, 'tasting-00-list');
  await first.page.getByTestId('tasting-card').filter({ hasText: title }).click();
  const hers = new TastingPage(first.page);
  await hers.bookButton.waitFor();
  await hydrated(first.page);
  await shot(first.page, 'tasting-01-before-booking');
  assert.deepEqual(await bundles(first.page), ['linli_community'], 'a community page loads only its group\'s bundle');
  await hers.book();
  assert.match(await hers.myBooking.innerText(), /已报名/);
  assert.match(await hers.code.innerText(), /^\d{6}$/);
  await until(() => first.page.getByTestId('check-in-qr').evaluate((img) => img.complete && img.naturalWidth > 0),
    (loaded) => loaded, { what: 'the check-in QR' });
  await shot(first.page, 'tasting-02-booked-code');

  const second = await resident('晚一步', '6栋');
  const his = new TastingPage(second.page);
  await his.open(tasting.id);
  assert.match(await his.bookButton.innerText(), /排候补/);
  await his.book();
  assert.match(await his.position.innerText(), /候补第 1 位/);
  await shot(second.page, 'tasting-03-waitlisted');

  await hers.cancel();
  await shot(first.page, 'tasting-04-cancelled');

  // The second phone's next page tells him, and the tasting shows his code.
  await second.page.goto(`${BASE}/s/${STORE}`);
  await hydrated(second.page);
  const notice = second.page.getByTestId('community-notice');
  await notice.waitFor({ timeout: 10000 });
  assert.match(await notice.innerText(), /候补成功|递补|报名成功/);
  await shot(second.page, 'tasting-05-promoted-notice');
  await notice.getByRole('link').click();
  await second.page.waitForURL(/\/tastings\//);
  await his.code.waitFor();
  const code = (await his.code.innerText()).trim();
  await shot(second.page, 'tasting-06-promoted-code');

  await owner.page.goto(`${BASE}/owner/tastings`);
  await hydrated(owner.page);
  await owner.page.getByTestId('store-nps').waitFor();
  await shot(owner.page, 'tasting-07a-owner-tastings');
  const door = new OwnerTastingPage(owner.page);
  await door.open(tasting.id);
  await shot(owner.page, 'tasting-07-owner-list');
  assert.deepEqual(await bundles(owner.page), ['linli_owner'], 'the console loads the owner\'s bundle');
  await door.checkIn(code);
  assert.match(await door.welcome.innerText(), /晚一步/);
  await door.lines.filter({ hasText: '已签到' }).waitFor();
  await shot(owner.page, 'tasting-08-door-checked-in');

  for (const p of [first, second, owner]) assert.deepEqual(p.errors, [], 'no script errors');
});

test('after the evening an attendee answers the one question', async () => {
  const owner = await phone();
  await new OwnerPage(owner.page).signIn();
  const startsAt = new Date(Date.now() + 6000).toISOString();
  const tasting = await api(owner.context, 'POST', `/api/v1/stores/${STORE}/tastings`, {
    title: `马上开始 ${Date.now() % 1000}`, starts_at: startsAt, place: '店门口', seats: 4, seats_per_household: 2,
  });
  const guest = await resident('来尝鲜', '9栋');
  const page = new TastingPage(guest.page);
  await page.open(tasting.id);
  await page.book();
  const code = (await page.code.innerText()).trim();
  await api(owner.context, 'POST', `/api/v1/tastings/${tasting.id}/check-ins`, { code });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(startsAt) - Date.now()) + 500));

  await page.open(tasting.id);
  const survey = guest.page.getByTestId('survey');
  await survey.waitFor();
  await survey.getByRole('button', { name: '9', exact: true }).click();
  await survey.getByRole('textbox').fill('葡萄很甜，下次还来');
  await shot(guest.page, 'tasting-09-survey');
  await survey.getByRole('button', { name: '提交' }).click();
  await survey.waitFor({ state: 'detached' });
  assert.match(await page.myBooking.innerText(), /已签到/);
  assert.deepEqual(guest.errors, [], 'no script errors');
});
