// `/s/:store`: a store's shop — 为你推荐, the product grid with search, the join banner for a
// visitor, the cart bar, the 直播 strip and the "your live has started" notice.
import { BASE, STORE, hydrated, until } from '../phone.mjs';
import { BottomNav } from './bottom_nav.mjs';

export class ShopPage {
  constructor(page, store = STORE) {
    this.page = page;
    this.store = store;
    this.nav = new BottomNav(page, store);
    this.grid = page.getByTestId('product-grid');
    this.productCards = page.getByTestId('product-card');
    this.productNames = page.getByTestId('product-name');
    /** The "+" buttons a resident can still tap (sold-out ones are disabled). */
    this.addButtons = page.getByRole('button', { name: '加入购物车', disabled: false });
    this.availableProducts = this.productCards.filter({ has: this.addButtons });
    this.joinBanner = page.getByTestId('join-banner');
    this.searchBox = page.getByRole('searchbox', { name: '搜索' });
    this.cartBar = page.getByTestId('cart-bar');
    this.noResults = page.getByTestId('no-results');
    this.categories = page.getByRole('navigation', { name: 'categories' });
    /** The app's one toast (near the bottom of the screen). */
    this.toast = page.getByTestId('toast');
    this.liveStrip = page.getByTestId('live-strip');
    this.liveCards = this.liveStrip.getByTestId('live-card');
    this.liveNotice = page.getByTestId('live-notice');
    this.liveNoticeLink = this.liveNotice.getByRole('link');
    this.dismissLiveNoticeButton = page.getByTestId('live-notice-dismiss');
    /** 为你推荐: the strip, its picks and each pick's reason. */
    this.recommendations = page.getByTestId('recommendations');
    this.picks = this.recommendations.getByTestId('recommendation');
    this.pickReasons = this.recommendations.getByTestId('recommendation-reason');
    /** 临期特价: the tab, and the label on a marked-down card. */
    this.dealsTab = page.getByTestId('deals-tab');
    this.markdownLabels = page.getByTestId('markdown-label');
  }

  /** The card of the product `id`. */
  card(id) {
    return this.page.locator(`[data-testid="product-card"][data-product="${id}"]`);
  }

  /** The "+" of the `index`-th pick of 为你推荐. */
  addPick(index) {
    return this.picks.nth(index).getByRole('button');
  }

  /** Opens the shop and, unless told not to, waits until it responds to taps. */
  async open({ hydrate = true } = {}) {
    await this.page.goto(`${BASE}/s/${this.store}`);
    if (hydrate) await hydrated(this.page);
  }

  /** Taps the visitor's join banner; the join form opens. */
  async startJoining() {
    await this.joinBanner.click();
    await this.page.waitForURL(`**/s/${this.store}/join`);
    await hydrated(this.page);
  }

  /** Searches the shop for `words` (Enter in the search box) and waits for their results. */
  async search(words) {
    await this.searchBox.fill(words);
    await this.searchBox.press('Enter');
    await this.page.waitForURL(/q=/);
    await until(() => this.grid.getAttribute('data-q'), (q) => q === words, { what: 'the results' });
  }

  /** The category chip labelled `name` (e.g. 休闲零食). */
  categoryChip(name) {
    return this.categories.getByRole('link', { name, exact: true });
  }

  /** Taps a category chip and waits for its products. */
  async openCategory(name, id) {
    await this.categoryChip(name).click();
    await this.page.waitForURL(new RegExp(`[?&]c=${id}`));
    await until(() => this.grid.getAttribute('data-category'), (c) => c === id, { what: 'the category' });
  }

  /** The "+" of the product card named `name`. */
  addButtonOf(name) {
    return this.productCards.filter({ hasText: name }).getByTestId('add-to-cart');
  }

  /** Product names shown in the grid that contain `text`. */
  productNamed(text) {
    return this.productNames.filter({ hasText: text });
  }

  /** Opens a product's page by tapping its name in `card`. */
  async openProduct(card) {
    await card.getByTestId('product-name').click();
  }

  /** The card of the live titled `title` in the 直播 strip. */
  liveCard(title) {
    return this.liveCards.filter({ hasText: title });
  }

  /** The 提醒我 / 已预约 toggle of an upcoming live. */
  reminderToggle(title) {
    return this.liveCard(title).getByTestId('live-remind');
  }

  /** Enters the live titled `title` from its card in the strip. */
  async enterLive(title) {
    await this.liveCard(title).getByRole('link', { name: title }).click();
  }

  async dismissLiveNotice() {
    await this.dismissLiveNoticeButton.click();
  }
}
