// Joining by QR, in real Chromium: the owner opens the store poster from the console at
// 375 px and on an A4-wide screen (794 px); the QR drawn by the edge loads, the join URL
// is printed under it, and printing gives exactly one A4 page with the poster alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, STORE, artifact, hydrated, phone, shot, useBrowser } from './phone.mjs';
import { OwnerPage } from './pages/owner_page.mjs';
import { OwnerPosterPage } from './pages/owner_poster_page.mjs';

useBrowser();

test('the owner prints the store poster with its join QR code', async () => {
  const owner = await phone();
  const { page } = owner;
  await new OwnerPage(page).signIn();
  const poster = new OwnerPosterPage(page);
  await poster.navLink.click();
  await page.waitForURL(/\/owner\/poster$/);
  await poster.poster.waitFor();
  assert.equal(await poster.headline.innerText(), '扫码加入邻里鲜·古北店');
  assert.equal(await poster.url.innerText(), `${BASE}/s/${STORE}/join`);
  await poster.printButton.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="poster-qr"]')?.complete);
  assert.ok(await poster.qrLoaded(), 'the QR image loaded');
  await shot(page, '60-owner-poster', { fullPage: true });

  // Opened directly (server-rendered), on a screen as wide as an A4 sheet.
  await page.setViewportSize({ width: 794, height: 1123 });
  await poster.open();
  await page.waitForFunction(() => document.querySelector('[data-testid="poster-qr"]')?.complete);
  assert.ok(await poster.qrLoaded());
  await shot(page, '61-owner-poster-794', { fullPage: true });

  // Printed: the app's chrome is gone and the poster fills one A4 page.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('header.topbar').isVisible(), false, 'no top bar on paper');
  assert.equal(await poster.printButton.isVisible(), false, 'no print button on paper');
  await shot(page, '62-owner-poster-print', { fullPage: true });
  await page.pdf({ path: artifact('63-owner-poster.pdf'), preferCSSPageSize: true, printBackground: true });
  const pdf = readFileSync(artifact('63-owner-poster.pdf'), 'latin1');
  assert.equal(pdf.match(/\/Type\s*\/Page(?!s)/g)?.length, 1, 'one A4 page');
  assert.match(pdf, /\/MediaBox\s*\[\s*0 0 59[45]\.\d+ 841\.\d+/, 'A4 (595 x 842 pt)');

  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(owner.errors, [], 'no script errors');
});
