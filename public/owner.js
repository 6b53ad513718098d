// What the owner's console does outside its wasm, loaded (after page.js) on the console's
// pages alone, so a resident's page never downloads it.

// Scanning barcodes for 盘点. A `[data-scan-target]` button (drawn hidden by the app) is
// shown where the browser can read barcodes (BarcodeDetector, with a camera); a tap opens
// the back camera full screen, and each code read is typed into the input the button names
// and its form sent, as if the owner had typed it and pressed Enter. The same code is read
// again only after a pause, so holding a pack in view counts it once. Elsewhere the button
// stays hidden and she types.
(function () {
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices) return;
  const SAME_CODE_PAUSE_MS = 1500, FORMATS = ['ean_13', 'ean_8', 'upc_a', 'code_128'];
  function reveal() {
    document.querySelectorAll('[data-scan-target][hidden]').forEach((b) => { b.hidden = false; });
  }
  // Some browsers have the API but read no format at all (desktop Linux): no button there.
  BarcodeDetector.getSupportedFormats().then((formats) => {
    if (!formats.includes('ean_13')) return;
    reveal();
    new MutationObserver(reveal).observe(document.body, { childList: true, subtree: true });
  }).catch(() => {});

  async function scan(input) {
    const detector = new BarcodeDetector({ formats: FORMATS });
    const overlay = document.createElement('div');
    overlay.className = 'scan-overlay';
    const video = document.createElement('video');
    video.setAttribute('playsinline', '');
    video.muted = true;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'btn';
    close.textContent = document.documentElement.lang === 'en' ? 'Done' : '完成';
    overlay.append(video, close);
    document.body.append(overlay);
    let stream = null, running = true, last = '', lastAt = 0;
    const stop = () => {
      running = false;
      if (stream) stream.getTracks().forEach((t) => t.stop());
      overlay.remove();
    };
    close.addEventListener('click', stop);
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      video.srcObject = stream;
      await video.play();
    } catch (e) {
      stop();
      return;
    }
    while (running) {
      try {
        const codes = await detector.detect(video);
        const now = Date.now();
        for (const { rawValue } of codes) {
          if (rawValue === last && now - lastAt < SAME_CODE_PAUSE_MS) continue;
          last = rawValue;
          lastAt = now;
          input.value = rawValue;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          input.form && input.form.requestSubmit();
          if (navigator.vibrate) navigator.vibrate(60);
        }
      } catch (e) {
        // A frame not ready yet: try the next one.
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-scan-target]');
    const input = button && document.getElementById(button.dataset.scanTarget);
    if (input) scan(input);
  });
})();
