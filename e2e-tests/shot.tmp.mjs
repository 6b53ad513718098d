import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 375, height: 800 }, locale: 'zh-CN' });
await p.goto(process.argv[2]); await p.waitForTimeout(1500);
await p.screenshot({ path: process.argv[3] });
console.log(await p.evaluate(() => new Promise((r) => new PerformanceObserver((l) => { const e = l.getEntries().at(-1); r([e.startTime, e.element?.outerHTML?.slice(0, 200)]); }).observe({ type: 'largest-contentful-paint', buffered: true }))));
await b.close();
