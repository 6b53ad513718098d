// `/owner`: the owner signs in and works through the day's pickups.
import { BASE, hydrated } from '../phone.mjs';

export const OWNER_PHONE = '13800000001';
export const OWNER_PASSWORD = process.env.DEMO_OWNER_PASSWORD ?? 'linli-demo-2026';

export class OwnerPage {
  constructor(page) {
    this.page = page;
    this.phone = page.getByTestId('owner-phone');
    this.password = page.getByTestId('owner-password');
    this.signInButton = page.getByRole('button', { name: /^(登录|Sign in)$/ });
    this.pickupDates = page.getByTestId('pickup-list-date');
    this.pickupCount = page.getByTestId('pickup-list-count');
    this.pickupRows = page.getByTestId('pickup-row');
    this.searchBox = page.getByRole('searchbox', { name: '查找订单' });
    this.moreButton = page.getByRole('button', { name: '加载更多' });
    this.counterSignIn = page.getByText('帮居民登录');
    this.counterPhone = page.getByTestId('counter-phone');
    this.counterCode = page.getByTestId('counter-code');
    this.alert = page.getByRole('main').getByRole('alert');
  }

  /** Opens /owner (signed out: the sign-in form). */
  async open() {
    await this.page.goto(`${BASE}/owner`);
    await hydrated(this.page);
  }

  /** Types a phone and password and taps 登录, without waiting for the console. */
  async trySignIn(phone, password) {
    await this.phone.fill(phone);
    await this.password.fill(password);
    await this.signInButton.click();
  }

  /** Finds orders by what the resident shows or says: pickup code, #跟团号, phone tail, name. */
  async search(text) {
    await this.searchBox.fill(text);
    await this.searchBox.press('Enter');
    await this.pickupCount.filter({ hasText: '找到' }).waitFor();
  }

  /** The row of the order with 跟团号 `n`. */
  groupRow(n) {
    return this.pickupRows.filter({ has: this.page.getByTestId('group-number').getByText(`#${n}`, { exact: true }) });
  }

  /** Issues a sign-in code at the counter for the resident with `phone`; returns it. */
  async issueSignInCode(phone) {
    await this.counterSignIn.click();
    await this.counterPhone.fill(phone);
    await this.page.getByRole('button', { name: '生成登录码' }).click();
    await this.counterCode.waitFor();
    return this.counterCode.innerText();
  }

  /** Opens /owner and signs in with the demo owner's phone and password. */
  async signIn({ phone = OWNER_PHONE, password = OWNER_PASSWORD } = {}) {
    await this.page.goto(`${BASE}/owner`);
    await hydrated(this.page);
    await this.phone.fill(phone);
    await this.password.fill(password);
    await this.signInButton.click();
    await this.pickupDay(1).waitFor();
  }

  /** The day tab: 0 today, 1 tomorrow, 2 the day after. */
  pickupDay(offset) {
    return this.page.getByTestId(`pickup-day-${offset}`);
  }

  /**
   * Opens the first of `offsets` whose list is for `date` (as the order page shows it);
   * true when one is.
   */
  async openPickupDay(date, offsets = [1, 2]) {
    for (const offset of offsets) {
      await this.pickupDay(offset).click();
      const shown = this.pickupDates.filter({ hasText: date });
      if (await shown.waitFor({ timeout: 5000 }).then(() => true, () => false)) return true;
    }
    return false;
  }

  /** The pickup row of the resident called `nickname`. */
  pickupRow(nickname) {
    return this.pickupRows.filter({ hasText: nickname });
  }

  /** 备货完成 on a row. */
  async markReady(row) {
    await row.getByRole('button', { name: '备货完成' }).click();
  }

  /** Types the resident's pickup code into a ready row. */
  async enterPickupCode(row, code) {
    await row.getByRole('textbox').fill(code);
  }

  /** 确认提货 on a row, and waits for it to show 已提货. */
  async handOver(row) {
    await row.getByRole('button', { name: '确认提货' }).click();
    await row.getByText('已提货').waitFor();
  }
}
