// The resident's notices: the bell with its unread badge in the top bar, and the list
// at `/s/:store/me/notices`.
import { BASE, STORE, hydrated } from '../phone.mjs';

export class NoticesPage {
  constructor(page, store = STORE) {
    this.page = page;
    this.store = store;
    this.bell = page.getByTestId('notice-bell');
    this.badge = page.getByTestId('notice-badge');
    this.items = page.getByTestId('notice-item');
    this.unreadItems = page.locator('[data-testid="notice-item"][data-unread="true"]');
  }

  async open() {
    await this.page.goto(`${BASE}/s/${this.store}/me/notices`);
    await hydrated(this.page);
  }

  item(text) {
    return this.items.filter({ hasText: text });
  }
}
