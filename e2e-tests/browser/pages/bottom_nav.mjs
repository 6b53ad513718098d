// The bottom navigation inside a store (shop, cart, orders), on every resident page.
import { STORE } from '../phone.mjs';

/** The store's bottom navigation. */
export class BottomNav {
  constructor(page, store = STORE) {
    this.page = page;
    this.store = store;
    this.cart = page.getByTestId('nav-cart');
    this.orders = page.getByTestId('nav-orders');
  }

  /** Taps 购物车 and waits for the cart page. */
  async toCart() {
    await this.cart.click();
    await this.page.waitForURL(`**/s/${this.store}/cart`);
  }

  /** Taps 我的订单. */
  async toOrders() {
    await this.orders.click();
  }
}
