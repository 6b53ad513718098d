// What a page must do before (or without) its wasm: kept out of the bundle on purpose,
// a few lines here and many kilobytes there, and in a file because the pages' CSP runs
// no inline handlers.
// - The language switch (`[data-switch-lang]`) and printing (`[data-print]`).
// - The shop's selected category chip, kept in view (below).
// - Review photos, on the phone (below).
// - How long a resident looked at a product's page (below).

document.addEventListener('click', (event) => {
  const lang = event.target.closest('[data-switch-lang]');
  if (lang) {
    document.cookie = `lang=${lang.dataset.switchLang}; path=/; max-age=31536000; samesite=lax`;
    location.reload();
  } else if (event.target.closest('[data-print]')) {
    window.print();
  }
});

// Review photos, on the phone. The review form (`form[data-review-form]`, drawn by the app
// with its words and messages) is sent from here: the review first (stars and words,
// POST /api/v1/stores/{store}/reviews), then each photo on its own, shrunk first: redrawn
// with its longest side at most 1600 px (upright, from its EXIF) as a JPEG under 2 MB. A
// file the browser cannot read as an image goes as it is, and the edge says what is wrong.
// After a failed photo, sending again uploads only what is missing.
(function () {
  const MAX_SIDE = 1600, MAX_BYTES = 2 * 1024 * 1024;

  async function shrink(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    if (bitmap.close) bitmap.close();
    for (const quality of [0.85, 0.7, 0.55, 0.4]) {
      const blob = await new Promise((done) => canvas.toBlob(done, 'image/jpeg', quality));
      if (blob && blob.size <= MAX_BYTES) return blob;
    }
    throw new Error('still too large');
  }
  window.linliShrinkPhoto = shrink;

  /** Sends `body` and answers the decoded JSON, or throws the problem's code. */
  async function send(path, body, type) {
    let response;
    try {
      response = await fetch(path, { method: 'POST', body, credentials: 'same-origin', headers: { Accept: 'application/json', 'Content-Type': type } });
    } catch (e) {
      throw new Error('network_error');
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.code || 'fallback');
    return answer;
  }

  const state = new WeakMap();

  document.addEventListener('change', (event) => {
    const input = event.target;
    const form = input.closest && input.closest('form[data-review-form]');
    if (!form || input.type !== 'file') return;
    const s = state.get(form) || {};
    s.uploaded = 0;
    state.set(form, s);
    const previews = form.querySelector('[data-previews]');
    previews.querySelectorAll('img').forEach((img) => { URL.revokeObjectURL(img.src); img.remove(); });
    for (const file of input.files) {
      const img = document.createElement('img');
      img.className = 'review-photo';
      img.alt = '';
      img.src = URL.createObjectURL(file);
      previews.insertBefore(img, previews.lastElementChild);
    }
    say(form, input.files.length > Number(form.dataset.maxPhotos) ? 'too_many_photos' : null);
  });

  function say(form, code) {
    const problem = form.querySelector('[data-review-problem]');
    problem.hidden = !code;
    if (code) problem.textContent = form.getAttribute(`data-msg-${code}`) || form.getAttribute('data-msg-fallback');
  }

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!form.matches('form[data-review-form]')) return;
    event.preventDefault();
    const s = state.get(form) || {};
    state.set(form, s);
    if (s.busy) return;
    const files = Array.from(form.elements.photos.files);
    if (files.length > Number(form.dataset.maxPhotos)) return say(form, 'too_many_photos');
    const button = form.querySelector('[type=submit]');
    const label = button.textContent;
    s.busy = true;
    button.disabled = true;
    say(form, null);
    try {
      if (!s.review) {
        button.textContent = form.dataset.sending;
        const stars = Number(form.elements.stars.value || 5);
        const review = { order_id: form.dataset.order, product_id: form.dataset.product, stars, text: form.elements.text.value };
        s.review = (await send(`/api/v1/stores/${form.dataset.store}/reviews`, JSON.stringify(review), 'application/json')).review.id;
        s.uploaded = 0;
      }
      for (let i = s.uploaded || 0; i < files.length; i += 1) {
        button.textContent = `${form.dataset.uploading} ${i + 1}/${files.length}…`;
        const photo = await shrink(files[i]).catch(() => files[i]);
        await send(`/api/v1/reviews/${s.review}/photos`, photo, photo.type || 'application/octet-stream');
        s.uploaded = i + 1;
      }
      location.assign(form.dataset.done);
    } catch (e) {
      say(form, e.message);
      button.textContent = label;
      button.disabled = false;
      s.busy = false;
    }
  });
})();

// The service worker (sw.js), registered once the page's wasm has hydrated it (the boot
// script's `linli:hydrated`, app/src/lib.rs), or once a page with nothing to hydrate (no
// boot script: a visitor's shop) has loaded, so that its downloads (the shell, the
// bundles) never compete with the page's own. It is given this file's asset version
// (`?v=`, the same for the bundle, app.css and page.js), which names its cache.
(function () {
  if (!('serviceWorker' in navigator) || !document.currentScript) return;
  const version = new URL(document.currentScript.src).searchParams.get('v');
  if (!version) return;
  const register = () => navigator.serviceWorker.register(`/sw.js?v=${version}`).catch(() => {});
  const boots = document.querySelector('script[type=module]') !== null;
  window.addEventListener(boots ? 'linli:hydrated' : 'load', register, { once: true });
})();

// The shop's selected category chip, scrolled to the middle of its row (as far as the row
// allows): the row would otherwise open at its start, where a chip far along is off-screen.
(function () {
  const row = document.querySelector('nav.tabs');
  const chip = row && row.querySelector('.tab.active');
  if (!chip) return;
  const a = row.getBoundingClientRect(), b = chip.getBoundingClientRect();
  row.scrollLeft = Math.max(0, b.left - a.left + row.scrollLeft - (a.width - b.width) / 2);
})();

// How long a resident looked at a product's page (`[data-view-product]`, drawn only for a
// resident of the store), so one long look counts for the browse follow-up like several
// short ones. Only time in view counts. It is told every 30 s while she reads, and as she
// hides or leaves the page (a report sent while a page unloads may be lost); the edge
// keeps the longest report for the view, so telling it again as it grows is harmless.
// The app changes pages without reloading too: the page is watched for.
(function () {
  // MAX_SECONDS is the edge's cap on one view (brain::MAX_VIEW_SECONDS): past it, a report
  // would change nothing.
  const EVERY_MS = 30000, MAX_SECONDS = 3600;
  let page = null, shownAt = null, seconds = 0, told = 0, timer = null;
  function tell() {
    if (!page) return;
    if (shownAt !== null) {
      const now = Date.now();
      seconds += (now - shownAt) / 1000;
      shownAt = now;
    }
    const total = Math.min(Math.round(seconds), MAX_SECONDS);
    if (total <= told) return;
    told = total;
    const body = JSON.stringify({ product_id: page.dataset.viewProduct, seconds: total });
    fetch('/api/v1/me/product-views', { method: 'POST', body, keepalive: true, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } }).catch(() => {});
  }
  function watch() {
    const current = document.querySelector('[data-view-product]');
    if (current === page) return;
    // The same product drawn again is the same look.
    if (current && page && current.dataset.viewProduct === page.dataset.viewProduct) {
      page = current;
      return;
    }
    tell();
    page = current;
    seconds = 0;
    told = 0;
    shownAt = page && document.visibilityState === 'visible' ? Date.now() : null;
    clearInterval(timer);
    timer = page ? setInterval(tell, EVERY_MS) : null;
  }
  watch();
  new MutationObserver(watch).observe(document.body, { childList: true, subtree: true });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') {
      tell();
      shownAt = null;
    } else if (page) {
      shownAt = Date.now();
    }
  });
  window.addEventListener('pagehide', () => {
    tell();
    shownAt = null;
  });
})();
