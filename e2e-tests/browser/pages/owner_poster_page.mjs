// `/owner/poster`: the store's printable A4 join poster.
import { BASE, hydrated } from '../phone.mjs';

export class OwnerPosterPage {
  constructor(page) {
    this.page = page;
    this.navLink = page.getByTestId('owner-nav-poster');
    this.poster = page.getByTestId('store-poster');
    this.headline = page.getByTestId('poster-headline');
    this.qr = page.getByRole('img', { name: '加入本店的二维码' });
    this.url = page.getByTestId('poster-url');
    this.printButton = page.getByRole('button', { name: '打印海报' });
  }

  async open() {
    await this.page.goto(`${BASE}/owner/poster`);
    await hydrated(this.page);
    await this.poster.waitFor();
  }

  /** Whether the QR image has loaded and drawn (a broken image has no natural width). */
  qrLoaded() {
    return this.qr.evaluate((img) => img.complete && img.naturalWidth > 0);
  }
}
