// node profile.mjs PATH|live [throttle]: CPU profile of a page load (inclusive time per fn), long tasks.
import { chromium } from 'playwright-core';
const BASE = process.env.LINLI_BASE_URL ?? 'http://127.0.0.1:8831';
async function call(method, path, body, cookie) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (cookie) headers.Cookie = cookie;
  const r = await fetch(`${BASE}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const t = await r.text(); if (!r.ok) throw new Error(`${method} ${path} ${r.status} ${t}`);
  return [t ? JSON.parse(t) : null, r.headers.get('set-cookie')];
}
let path = process.argv[2] ?? 'live';
if (path === 'live') {
  const [, sc] = await call('POST', '/api/v1/sessions', { phone: '13800000001', password: 'linli-demo-2026' });
  const cookie = sc.split(';')[0];
  const at = (s) => new Date(Date.now() + s * 1000).toISOString();
  const [live] = await call('POST', '/api/v1/stores/st-gubei/lives', { title: '今晚8点', starts_at: at(60), cover_url: '/images/live/cover.svg' }, cookie);
  await call('POST', `/api/v1/lives/${live.id}/status-changes`, { status: 'live' }, cookie);
  const [{ products }] = await call('GET', '/api/v1/stores/st-gubei/products', null, cookie);
  const p = products.find((p) => p.available >= 10 && !p.per_buyer_cap) ?? products[0];
  await call('POST', `/api/v1/lives/${live.id}/offers`, { product_id: p.id, flash_price: Math.round(p.price * 0.8), allotted: 10, opens_at: at(-1), closes_at: at(3600) }, cookie);
  path = `/l/${live.id}`;
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 375, height: 800 }, locale: 'zh-CN' });
await page.addInitScript(() => {
  window.__lt = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lt.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask', buffered: true });
});
const cdp = await page.context().newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(process.argv[3] ?? 4) });
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await page.goto(BASE + path);
await page.waitForTimeout(6000);
console.log("paint", JSON.stringify(await page.evaluate(() => performance.getEntriesByType("paint").map((e) => [e.name, Math.round(e.startTime)]).concat(performance.getEntriesByType("navigation").map((n) => ["dcl", Math.round(n.domContentLoadedEventEnd)])))));
const { profile } = await cdp.send('Profiler.stop');
console.log('long tasks [start, ms]:', JSON.stringify(await page.evaluate(() => window.__lt)));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map(), self = new Map();
const dts = profile.timeDeltas;
profile.samples.forEach((id, i) => {
  const dt = (dts[i + 1] ?? 0) / 1000;
  const seen = new Set();
  let cur = id, first = true;
  while (cur !== undefined) {
    const n = byId.get(cur); const name = n.callFrame.functionName || `(${n.callFrame.url.split('/').pop()})`;
    if (first) { self.set(name, (self.get(name) ?? 0) + dt); first = false; }
    if (!seen.has(name)) { incl.set(name, (incl.get(name) ?? 0) + dt); seen.add(name); }
    cur = parent.get(cur);
  }
});
const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, t]) => `${t.toFixed(1).padStart(8)} ms  ${n.slice(0, 150)}`).join('\n');
console.log('--- inclusive'); console.log(top(incl, Number(process.env.TOP ?? 60)));
console.log('--- self'); console.log(top(self, 25));
await browser.close();
