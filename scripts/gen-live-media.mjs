// Records the demo live stream, public/media/live-demo.webm: a 10 s seamless loop of a
// fresh-produce stall (awning, bouncing fruit, "邻里直播 DEMO"), 480x854 portrait, drawn on a
// canvas in headless Chromium and captured with MediaRecorder (there is no ffmpeg here).
// Needs Chromium (scripts/lib.sh ensure_browser) and playwright-core (npm). Run it once
// after changing the drawing; the output is committed. The seeded demo lives point at it.
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'public/media/live-demo.webm');
mkdirSync(join(root, 'public/media'), { recursive: true });

const SECONDS = 10;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 480, height: 854 } });
await page.setContent('<html><body style="margin:0;background:#000"><canvas id="c" width="480" height="854"></canvas></body></html>');

const base64 = await page.evaluate(async (seconds) => {
  const canvas = document.getElementById('c');
  const g = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height, T = seconds * 1000;
  const font = '"Noto Sans CJK SC", "PingFang SC", sans-serif';
  const fruit = [
    // x, y, radius, colour, phase: two crates of tomatoes and oranges, a row of greens.
    [70, 600, 30, '#e8452f', 0.0], [130, 590, 32, '#e8452f', 0.2], [190, 600, 30, '#e8452f', 0.4], [100, 555, 27, '#e8452f', 0.6], [160, 550, 27, '#e8452f', 0.8],
    [290, 600, 30, '#f59a23', 0.1], [350, 590, 32, '#f59a23', 0.3], [410, 600, 30, '#f59a23', 0.5], [320, 555, 27, '#f59a23', 0.7], [380, 550, 27, '#f59a23', 0.9],
  ];
  const wave = (t, phase = 0) => Math.sin(2 * Math.PI * (t / T + phase));

  function draw(t) {
    // Background: a warm stall light drifting over green.
    const bg = g.createLinearGradient(0, 0, W * 0.4, H);
    bg.addColorStop(0, '#2fb36b'); bg.addColorStop(0.6, '#157a41'); bg.addColorStop(1, '#0d3d24');
    g.fillStyle = bg; g.fillRect(0, 0, W, H);
    const lx = W / 2 + 80 * wave(t), ly = H * 0.4 + 30 * wave(t, 0.25);
    const glow = g.createRadialGradient(lx, ly, 10, lx, ly, 320);
    glow.addColorStop(0, 'rgba(255,246,216,.55)'); glow.addColorStop(1, 'rgba(255,246,216,0)');
    g.fillStyle = glow; g.fillRect(0, 0, W, H);

    // Awning, swaying a little.
    const sway = 4 * wave(t, 0.1);
    for (let i = 0; i < 8; i++) {
      g.fillStyle = i % 2 ? '#fff' : '#d93a3a';
      g.fillRect(i * 60, 0, 60, 90);
      g.beginPath(); g.arc(i * 60 + 30, 90 + sway, 30, 0, Math.PI); g.fill();
    }

    // Title block.
    g.textAlign = 'center';
    const pulse = 0.6 + 0.4 * Math.abs(wave(t * 5));
    g.fillStyle = '#d93a3a'; roundRect(W / 2 - 70, 170, 140, 40, 20); g.fill();
    g.fillStyle = `rgba(255,255,255,${pulse})`; g.beginPath(); g.arc(W / 2 - 44, 190, 7, 0, 2 * Math.PI); g.fill();
    g.fillStyle = '#fff'; g.font = `700 22px ${font}`; g.fillText('LIVE 直播', W / 2 + 12, 198);
    g.font = `800 60px ${font}`; g.fillText('邻里直播', W / 2, 290);
    g.font = `700 30px ${font}`; g.fillStyle = '#ffd28a'; g.fillText('DEMO', W / 2, 334);
    g.font = `24px ${font}`; g.fillStyle = '#e8f6ee'; g.fillText('今晚8点 · 新鲜到店', W / 2, 376);

    // Price tag swinging in and out.
    const tagX = W / 2 + 150 * wave(t, 0.5);
    g.save(); g.translate(tagX, 440); g.rotate(0.08 * wave(t, 0.75));
    g.fillStyle = '#fff'; roundRect(-80, -28, 160, 56, 12); g.fill();
    g.fillStyle = '#d93a3a'; g.font = `800 30px ${font}`; g.fillText('秒杀 ¥9.9', 0, 11);
    g.restore();

    // Crates and bouncing fruit.
    g.fillStyle = '#a86b32'; roundRect(30, 610, 200, 130, 12); g.fill(); roundRect(250, 610, 200, 130, 12); g.fill();
    g.fillStyle = '#8a5426'; g.fillRect(30, 645, 200, 8); g.fillRect(250, 645, 200, 8);
    for (const [x, y, r, colour, phase] of fruit) {
      const bounce = Math.max(0, wave(t * 2, phase)) * 14;
      g.fillStyle = colour; g.beginPath(); g.arc(x, y - bounce, r, 0, 2 * Math.PI); g.fill();
      g.fillStyle = 'rgba(255,255,255,.35)'; g.beginPath(); g.arc(x - r / 3, y - bounce - r / 3, r / 4, 0, 2 * Math.PI); g.fill();
      g.fillStyle = '#2f8f3a'; g.beginPath(); g.ellipse(x + 4, y - bounce - r + 2, 8, 4, -0.5, 0, 2 * Math.PI); g.fill();
    }
    g.fillStyle = '#fff'; g.font = `700 26px ${font}`; g.fillText('番茄', 130, 710); g.fillText('脐橙', 350, 710);

    // Hearts floating up on the right, as in a live room.
    for (let i = 0; i < 6; i++) {
      const p = ((t / T) * 2 + i / 6) % 1;
      const hx = W - 50 + 18 * Math.sin(2 * Math.PI * (p * 2 + i / 6)), hy = H - 60 - p * 420;
      g.globalAlpha = 1 - p; g.fillStyle = ['#ff5a7a', '#ffd28a', '#7ee0a1'][i % 3];
      heart(hx, hy, 12 + 4 * (1 - p)); g.globalAlpha = 1;
    }
  }
  function roundRect(x, y, w, h, r) { g.beginPath(); g.roundRect(x, y, w, h, r); }
  function heart(x, y, s) {
    g.beginPath(); g.moveTo(x, y + s * 0.9);
    g.bezierCurveTo(x - s * 1.6, y - s * 0.2, x - s * 0.6, y - s * 1.3, x, y - s * 0.4);
    g.bezierCurveTo(x + s * 0.6, y - s * 1.3, x + s * 1.6, y - s * 0.2, x, y + s * 0.9); g.fill();
  }

  await document.fonts.ready;
  draw(0);
  const stream = canvas.captureStream(30);
  const mime = MediaRecorder.isTypeSupported('video/webm;codecs=vp9') ? 'video/webm;codecs=vp9' : 'video/webm;codecs=vp8';
  const recorder = new MediaRecorder(stream, { mimeType: mime, videoBitsPerSecond: 800_000 });
  const chunks = [];
  recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
  const done = new Promise((resolve) => { recorder.onstop = resolve; });
  const start = performance.now();
  recorder.start(500);
  await new Promise((resolve) => {
    const frame = () => {
      const t = performance.now() - start;
      if (t >= T) { resolve(); return; }
      draw(t);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  draw(0);
  recorder.stop();
  await done;
  const bytes = new Uint8Array(await new Blob(chunks, { type: 'video/webm' }).arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}, SECONDS);

writeFileSync(out, Buffer.from(base64, 'base64'));
await browser.close();
console.log(`${out}: ${Math.round(Buffer.from(base64, 'base64').length / 1024)} KB`);
