// `scripts/bench lighthouse`: Lighthouse (default mobile mode: a simulated mid-range phone
// on slow 4G) against the edge at LINLI_BASE_URL, on the four pages a resident lands on —
// the store list, a shop, a product and a live room on air (scheduled, put on air and
// given an offer through the API here) — one page at a time in one Chromium. Prints per
// run, then per page for its median run, the performance and accessibility scores, Time to
// Interactive, Total Blocking Time, FCP, LCP and the bytes transferred, then the
// accessibility audits that fail. Pages are asked for in Chinese. Each run starts from an
// empty cache (Lighthouse resets storage), so these are first visits. Each page's median
// report goes to e2e-tests/artifacts/lighthouse-<page>.json. Exits 1 if Lighthouse fails.
import { writeFileSync, mkdirSync } from 'node:fs';
import lighthouse from 'lighthouse';
import { computeMedianRun } from 'lighthouse/core/lib/median-run.js';
import * as chromeLauncher from 'chrome-launcher';

const BASE = process.env.LINLI_BASE_URL ?? 'http://127.0.0.1:8791';
const STORE = 'st-gubei';
const OWNER_PHONE = '13800000001';
const OWNER_PASSWORD = process.env.DEMO_OWNER_PASSWORD ?? 'linli-demo-2026';
const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

/** A JSON API call with `cookie`; answers [body, set-cookie]. Throws on a status other than 2xx. */
async function call(method, path, body, cookie) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (cookie) headers.Cookie = cookie;
  const response = await fetch(`${BASE}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${text}`);
  return [text ? JSON.parse(text) : null, response.headers.get('set-cookie')];
}

/** A live on air in the store with an open flash offer: the owner signs in, schedules,
 * goes on air and pins a product that has stock. */
async function liveOnAir() {
  const [, setCookie] = await call('POST', '/api/v1/sessions', { phone: OWNER_PHONE, password: OWNER_PASSWORD });
  const cookie = setCookie.split(';')[0];
  const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString();
  const [live] = await call('POST', `/api/v1/stores/${STORE}/lives`,
    { title: '今晚8点 山东寿光蔬菜专场', starts_at: inSeconds(60), cover_url: '/images/live/cover.svg' }, cookie);
  await call('POST', `/api/v1/lives/${live.id}/status-changes`, { status: 'live' }, cookie);
  const [{ products }] = await call('GET', `/api/v1/stores/${STORE}/products`, null, cookie);
  const product = products.find((p) => p.available >= 10 && !p.per_buyer_cap) ?? products[0];
  await call('POST', `/api/v1/lives/${live.id}/offers`, {
    product_id: product.id, flash_price: Math.round(product.price * 0.8), allotted: 10,
    opens_at: inSeconds(-1), closes_at: inSeconds(3600),
  }, cookie);
  return { live: live.id, product: products[0].id };
}

const { live, product } = await liveOnAir();
// LIGHTHOUSE_PAGES=shop,live audits only those. LIGHTHOUSE_RUNS (default 5) audits each page
// that many times: a simulated run varies by a second or more with when the observed page
// happened to paint, so each page's figures are its median run, picked the way Lighthouse
// recommends (`computeMedianRun`: the run nearest the median FCP and TTI).
const only = process.env.LIGHTHOUSE_PAGES?.split(',');
const runs = Number(process.env.LIGHTHOUSE_RUNS ?? 5);
const pages = [
  ['stores', '/'],
  ['shop', `/s/${STORE}`],
  ['product', `/s/${STORE}/p/${product}`],
  ['live', `/l/${live}`],
].filter(([name]) => !only || only.includes(name)).flatMap((page) => Array(runs).fill(page));

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const ms = (audit) => `${Math.round(audit.numericValue)} ms`;
const failures = new Set();
const lhrs = new Map();
let failed = false;
const row = (label, lhr) => {
  const a = lhr.audits;
  const score = (c) => String(Math.round(lhr.categories[c].score * 100)).padStart(4);
  console.log([label.padEnd(7), score('performance'), score('accessibility'), ms(a.interactive).padStart(8),
    ms(a['total-blocking-time']).padStart(8), ms(a['first-contentful-paint']).padStart(8),
    ms(a['largest-contentful-paint']).padStart(8), `${Math.round(a['total-byte-weight'].numericValue / 1024)} KB`.padStart(9)].join(' '));
};
console.log(`Lighthouse ${(await import('lighthouse/package.json', { with: { type: 'json' } })).default.version}, mobile (simulated), against ${BASE}`);
console.log('page     perf  a11y  TTI      TBT      FCP      LCP      transfer');
try {
  for (const [name, path] of pages) {
    const result = await lighthouse(`${BASE}${path}`, {
      port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'],
      // The pages in Chinese, as residents see them (the app follows Accept-Language).
      extraHeaders: { 'Accept-Language': 'zh-CN,zh;q=0.9' },
    });
    const lhr = result?.lhr;
    if (!lhr || lhr.runtimeError) {
      console.log(`${name}: Lighthouse failed: ${lhr?.runtimeError?.message ?? 'no result'}`);
      failed = true;
      continue;
    }
    lhrs.set(name, [...(lhrs.get(name) ?? []), { lhr, report: result.report }]);
    row(name, lhr);
    for (const ref of lhr.categories.accessibility.auditRefs) {
      const audit = lhr.audits[ref.id];
      if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
        const where = (audit.details?.items ?? []).slice(0, 3).map((i) => i.node?.snippet).filter(Boolean).join(' ');
        failures.add(`  ${name}: ${ref.id} (${audit.title}) ${where}`);
      }
    }
  }
} finally {
  await chrome.kill();
}
if (runs > 1) console.log(`median of ${runs} runs (the report kept is this run's):`);
for (const [name, done] of lhrs) {
  const median = computeMedianRun(done.map((d) => d.lhr));
  writeFileSync(`${ARTIFACTS}lighthouse-${name}.json`, done.find((d) => d.lhr === median).report);
  if (runs > 1) row(name, median);
}
console.log(failures.size ? `accessibility audits failing:\n${[...failures].join('\n')}` : 'accessibility audits: all pass');
process.exit(failed ? 1 : 0);
