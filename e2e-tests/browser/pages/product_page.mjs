// `/s/:store/p/:product`: one product, with its origin and the add-to-cart button.

export class ProductPage {
  constructor(page) {
    this.page = page;
    this.title = page.getByTestId('product-title');
    this.origin = page.getByTestId('origin');
    this.addButton = page.getByTestId('add-to-cart');
    this.added = page.getByText(/已加入/);
  }

  /** Adds the product and waits for the 已加入 confirmation. */
  async addToCart() {
    await this.addButton.click();
    await this.added.waitFor();
  }
}
