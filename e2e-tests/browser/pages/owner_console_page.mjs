// `/owner/lives/:live`: the live console — 开播 / 结束直播, the pin form, the pinned
// offers, the 接龙 list and comments (the same panels as the live room), the summary.
import { BASE, hydrated, until } from '../phone.mjs';

export class OwnerConsolePage {
  constructor(page) {
    this.page = page;
    this.statusCard = page.getByTestId('live-console-status');
    this.startButton = page.getByTestId('live-start');
    this.endButton = page.getByTestId('live-end');
    this.endConfirmButton = page.getByTestId('live-end-confirm');
    this.chainLines = page.getByTestId('chain-panel').getByTestId('chain-line');
    this.comments = page.getByTestId('comment-panel').getByTestId('comment');
    this.summary = page.getByTestId('live-summary');
    this.summaryOrders = page.getByTestId('summary-orders');
    this.pinForm = {
      product: page.getByTestId('pin-product'),
      flashPrice: page.getByTestId('pin-flash-price'),
      returningPrice: page.getByTestId('pin-returning-price'),
      allotted: page.getByTestId('pin-allotted'),
      cap: page.getByTestId('pin-cap'),
      opensIn: page.getByTestId('pin-opens-in'),
      duration: page.getByTestId('pin-duration'),
      gift: page.getByTestId('pin-gift'),
      submit: page.getByTestId('pin-submit'),
    };
  }

  async open(live) {
    await this.page.goto(`${BASE}/owner/lives/${live}`);
    await hydrated(this.page);
  }

  /** The live's status as the console holds it: `scheduled`, `live` or `ended`. */
  status() {
    return this.statusCard.getAttribute('data-status');
  }

  /** Waits until the console shows the live as `status`. */
  async waitForStatus(status) {
    await until(() => this.status(), (s) => s === status, { what: 'the console status' });
  }

  /** 开播, and waits until the console shows the live on air. */
  async goLive() {
    await this.startButton.click();
    await this.waitForStatus('live');
  }

  /**
   * Fills in the pin form (prices in yuan as typed, minutes for the window) and pins;
   * returns the HTTP response to the pin.
   */
  async pin({ productId, flashPrice, returningPrice, allotted, cap, opensIn, duration, gift }) {
    const form = this.pinForm;
    await form.product.selectOption(productId);
    await form.flashPrice.fill(flashPrice);
    if (returningPrice !== undefined) await form.returningPrice.fill(returningPrice);
    await form.allotted.fill(allotted);
    if (cap !== undefined) await form.cap.fill(cap);
    await form.opensIn.fill(opensIn);
    await form.duration.fill(duration);
    if (gift !== undefined) await form.gift.fill(gift);
    const pinned = this.page.waitForResponse((r) => r.request().method() === 'POST' && /\/offers$/.test(new URL(r.url()).pathname));
    await form.submit.click();
    return pinned;
  }

  /** The 接龙 lines that match `text`. */
  chainLine(text) {
    return this.chainLines.filter({ hasText: text });
  }

  /** The comments that contain `text`. */
  comment(text) {
    return this.comments.filter({ hasText: text });
  }

  /** The first tap on 结束直播: it only asks to confirm. */
  async askToEnd() {
    await this.endButton.click();
    await this.endConfirmButton.waitFor();
  }

  /** Confirms the end, and waits for the console to show it ended. */
  async confirmEnd() {
    await this.endConfirmButton.click();
    await this.waitForStatus('ended');
  }
}
