// `/s/:store/orders`: the resident's orders.

export class OrdersPage {
  constructor(page) {
    this.page = page;
    this.orderCards = page.getByTestId('order-card');
  }
}
