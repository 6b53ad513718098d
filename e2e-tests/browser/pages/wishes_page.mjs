// `/s/:store/wishes`: the store's 心愿单 — write a wish, +1 a neighbour's.
import { BASE, STORE, hydrated } from '../phone.mjs';

export class WishesPage {
  constructor(page) {
    this.page = page;
    this.text = page.getByTestId('wish-text');
    this.price = page.getByTestId('wish-price');
    this.submitButton = page.getByRole('button', { name: '许个心愿' });
    this.wishes = page.getByTestId('wish');
  }

  async open(store = STORE) {
    await this.page.goto(`${BASE}/s/${store}/wishes`);
    await hydrated(this.page);
  }

  /** Writes a wish and waits for it in the list. */
  async write(text, price = '') {
    await this.text.fill(text);
    await this.price.fill(price);
    await this.submitButton.click();
    await this.wish(text).waitFor();
  }

  /** The wish that says `text`. */
  wish(text) {
    return this.wishes.filter({ hasText: text });
  }

  /** Taps 我也想要 +1 on a wish and waits for it to count. */
  async vote(text) {
    await this.wish(text).getByRole('button', { name: /我也想要/ }).click();
    await this.wish(text).getByRole('button', { name: /已想要/ }).waitFor();
  }
}
