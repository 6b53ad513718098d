// Renders each product SVG to a PNG for link previews: chat apps (WeChat among them) do
// not show SVG og:images. Run after scripts/gen-images.py; needs Chromium (scripts/lib.sh
// ensure_browser) and playwright-core (npm). Output: public/images/share/<id>.png.
import { chromium } from 'playwright-core';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const source = join(root, 'public/images/products');
const target = join(root, 'public/images/share');
mkdirSync(target, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 400, height: 400 }, deviceScaleFactor: 1.5 });
for (const file of readdirSync(source).filter((f) => f.endsWith('.svg')).sort()) {
  const svg = readFileSync(join(source, file), 'utf8');
  await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
  await page.screenshot({ path: join(target, file.replace(/\.svg$/, '.png')), clip: { x: 0, y: 0, width: 400, height: 400 } });
}
await browser.close();
