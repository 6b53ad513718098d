// `/s/:store/orders`: the resident's orders; signed out, the way to sign in (first) or
// join (second).
import { BASE, STORE } from '../phone.mjs';

export class OrdersPage {
  constructor(page, store = STORE) {
    this.page = page;
    this.store = store;
    this.orderCards = page.getByTestId('order-card');
    this.contents = page.getByTestId('order-contents');
    this.signInOrJoin = page.getByTestId('sign-in-or-join');
    this.signInLink = page.getByTestId('sign-in-link');
    this.joinLink = page.getByTestId('join-link');
    this.alerts = page.getByRole('main').getByRole('alert');
    this.deviceCodeButton = page.getByTestId('device-code-button');
    this.deviceCode = page.getByTestId('device-code');
  }

  async open() {
    await this.page.goto(`${BASE}/s/${this.store}/orders`);
  }
}
