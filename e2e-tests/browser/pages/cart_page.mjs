// `/s/:store/cart`: the cart's lines, the total and the order button.

export class CartPage {
  constructor(page) {
    this.page = page;
    this.lines = page.getByTestId('cart-line');
    this.total = page.getByTestId('cart-total');
    this.placeOrderButton = page.getByTestId('place-order');
  }

  /** Places the order; the order's page opens. */
  async placeOrder() {
    await this.placeOrderButton.click();
    await this.page.waitForURL(/\/orders\/o-/);
  }
}
