// `/s/:store/cart`: the cart's lines (each with its stepper, what it adds to the total and
// why it cannot be ordered, if so), the total and the order button.
import { BASE, STORE } from '../phone.mjs';

export class CartPage {
  constructor(page, store = STORE) {
    this.page = page;
    this.store = store;
    this.lines = page.getByTestId('cart-line');
    this.total = page.getByTestId('cart-total');
    this.placeOrderButton = page.getByTestId('place-order');
    this.blocked = page.getByTestId('cart-blocked');
    this.signInOrJoin = page.getByTestId('sign-in-or-join');
    this.joinLink = page.getByTestId('join-link');
    this.alerts = page.getByRole('main').getByRole('alert');
    this.toast = page.getByTestId('toast');
    /** 凑单推荐 under the lines. */
    this.suggestions = page.getByTestId('cart-suggestions');
    this.suggested = this.suggestions.getByTestId('cart-suggestion');
    /** 优惠券: her coupons for this cart, and the goods and discount above the total. */
    this.coupons = page.getByTestId('coupon-choice');
    this.couponSums = page.getByTestId('coupon-sums');
  }

  async open() {
    await this.page.goto(`${BASE}/s/${this.store}/cart`);
  }

  /** The line of the product named `name`. */
  line(name) {
    return this.lines.filter({ hasText: name });
  }

  /** Units on a line. */
  quantityOf(line) {
    return line.getByTestId('line-quantity').innerText();
  }

  /** Why a line cannot be ordered (absent when it can). */
  problemOf(line) {
    return line.getByTestId('line-problem');
  }

  /** What a line costs. */
  totalOf(line) {
    return line.getByTestId('line-total');
  }

  /** Taps + on a line. */
  async addOne(line) {
    await line.getByRole('button', { name: '+' }).click();
  }

  /** Places the order; the order's page opens. */
  async placeOrder() {
    await this.placeOrderButton.click();
    await this.page.waitForURL(/\/orders\/o-/);
  }
}
