#!/usr/bin/env node
// Draws the installable app's icons (public/icons/, listed in public/manifest.webmanifest)
// from the brand mark in public/favicon.svg, in the theme green, with Debian's Chromium
// (playwright-core): icon-192.png and icon-512.png (the rounded mark), and
// icon-maskable-512.png (a full green square with the house inside the central safe zone,
// for launchers that cut icons to their own shape). The PNGs are committed; run this again
// only when the mark or the green changes: `node scripts/gen-icons.mjs`.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const PUBLIC = new URL('../public/', import.meta.url).pathname;
const THEME = '#178048'; // THEME_COLOR in app/src/lib.rs, --green in app.css
const mark = readFileSync(`${PUBLIC}favicon.svg`, 'utf8').replace(/#1f9d55/g, THEME);
// The house and leaf without the rounded square: drawn at 75 % on a full square, they stay
// inside the maskable safe zone (a circle of 80 % of the width).
const house = mark.replace(/<rect[^>]*\/>/, '');
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${THEME}"/>`
  + `<g transform="translate(8 6.9) scale(.75)">${house.replace(/^<svg[^>]*>/, '').replace(/<\/svg>$/, '')}</g></svg>`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
});
try {
  for (const [file, svg, size] of [['icon-192.png', mark, 192], ['icon-512.png', mark, 512], ['icon-maskable-512.png', maskable, 512]]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const sized = svg.replace(/^<svg[^>]*>/, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" style="display:block" width="${size}" height="${size}">`);
    await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
    await page.screenshot({ path: `${PUBLIC}icons/${file}`, omitBackground: true });
    await page.close();
    console.log(`public/icons/${file}`);
  }
} finally {
  await browser.close();
}
