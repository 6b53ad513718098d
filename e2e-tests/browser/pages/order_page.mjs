// `/s/:store/orders/:order`: one order — pickup code and date, status, timeline, cancel.
import { BASE } from '../phone.mjs';

export class OrderPage {
  constructor(page) {
    this.page = page;
    this.pickupDate = page.getByTestId('pickup-date');
    this.pickupCode = page.getByTestId('pickup-code');
    this.status = page.getByTestId('order-status');
    this.timelineSteps = page.getByTestId('timeline').getByRole('listitem');
    this.cancelButton = page.getByTestId('cancel-order');
  }

  /** Opens an order by its path or full address. */
  async open(href) {
    await this.page.goto(href.startsWith('/') ? `${BASE}${href}` : href);
  }
}
