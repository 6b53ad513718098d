// `/`: the list of community stores.
import { BASE } from '../phone.mjs';

export class StoresPage {
  constructor(page) {
    this.page = page;
    this.storeCards = page.getByTestId('store-card');
  }

  async open() {
    await this.page.goto(`${BASE}/`);
  }
}
