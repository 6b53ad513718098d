// Linli's service worker, registered by page.js as /sw.js?v=<asset version>.
// - The app shell (the bundles residents arrive by, the shop's and the live room's, with
//   their wasm, app.css, page.js) is cached by its versioned name (`?v=`), cache first: a
//   second visit is interactive without fetching the bundle again. Installing fetches them
//   into a cache named after the version; activating drops every older version's cache.
//   The other bundles (a resident's other pages, the console) are cached when first used.
// - Pages go to the network first (they carry live stock and prices); with no network,
//   the Chinese offline page (offline.html) answers instead of the browser's error.
// - The JSON API (/api/) and anything not ours are never touched: answers about orders,
//   stock and sessions are never served from a cache.
// With no version (a development build says `dev`) nothing is cached but the offline page.
const VERSION = new URL(self.location.href).searchParams.get('v') || 'dev';
const PREFIX = 'linli-';
const CACHE = `${PREFIX}${VERSION}`;
// public/offline.html, at the address Workers Static Assets serves it from (`/offline.html`
// answers with a redirect there, and a redirected answer may not stand in for a page).
const OFFLINE_PAGE = '/offline';
const VERSIONED = VERSION !== 'dev';
const SHELL = VERSIONED
  ? ['/pkg/linli_shop.js', '/pkg/linli_shop_bg.wasm', '/pkg/linli_live.js', '/pkg/linli_live_bg.wasm', '/app.css', '/page.js']
    .map((path) => `${path}?v=${VERSION}`)
  : [];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([OFFLINE_PAGE, ...SHELL])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key.startsWith(PREFIX) && key !== CACHE).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

/** An asset of this version: a bundle under /pkg/ (those not in the shell are cached when
 * first used), a stylesheet or a page script, named with this worker's `?v=`. */
function isVersionedAsset(url) {
  return VERSIONED && url.searchParams.get('v') === VERSION
    && (url.pathname.startsWith('/pkg/') || ['/app.css', '/owner.css', '/page.js', '/owner.js'].includes(url.pathname));
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function networkFirstPage(request) {
  try {
    return await fetch(request);
  } catch (offline) {
    return (await caches.match(OFFLINE_PAGE, { cacheName: CACHE })) || Response.error();
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirstPage(request));
  } else if (isVersionedAsset(url)) {
    event.respondWith(cacheFirst(request));
  }
});
