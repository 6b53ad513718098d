// `/owner/wishes`: the owner answers the residents' wishes.
import { BASE, hydrated } from '../phone.mjs';

export class OwnerWishesPage {
  constructor(page) {
    this.page = page;
    this.wishes = page.getByTestId('owner-wish');
  }

  async open() {
    await this.page.goto(`${BASE}/owner/wishes`);
    await hydrated(this.page);
  }

  wish(text) {
    return this.wishes.filter({ hasText: text });
  }

  /** Marks a wish 已上架 as the product called `productName`. */
  async stock(text, productName) {
    const row = this.wish(text);
    await row.getByRole('combobox', { name: '上架的商品' }).selectOption({ label: productName });
    await row.getByRole('button', { name: '已上架' }).click();
    await row.getByText('已上架').first().waitFor();
  }
}
