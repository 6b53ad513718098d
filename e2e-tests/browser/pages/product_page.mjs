// `/s/:store/p/:product`: one product, with its origin and the add-to-cart button (a join
// link for a visitor, who comes back here after joining).
import { BASE, STORE } from '../phone.mjs';

export class ProductPage {
  constructor(page, store = STORE) {
    this.page = page;
    this.store = store;
    this.title = page.getByTestId('product-title');
    this.origin = page.getByTestId('origin');
    this.addButton = page.getByTestId('add-to-cart');
    this.added = page.getByText(/已加入/);
    this.joinToBuy = page.getByTestId('join-to-buy');
    this.joinedNotice = page.getByTestId('joined-notice');
    this.toast = page.getByTestId('toast');
  }

  async open(product) {
    await this.page.goto(`${BASE}/s/${this.store}/p/${product}`);
  }

  /** Adds the product and waits for the 已加入 confirmation. */
  async addToCart() {
    await this.addButton.click();
    await this.added.waitFor();
  }

  /** Taps add once and waits for the server's answer; returns its status. */
  async tapAdd() {
    const answered = this.page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/api/v1/cart/items/'));
    await this.addButton.click();
    return (await answered).status();
  }
}
