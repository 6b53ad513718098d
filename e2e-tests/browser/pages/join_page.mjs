// `/s/:store/join`: a resident joins the store (nickname, phone, building, household).
import { STORE, hydrated } from '../phone.mjs';

export class JoinPage {
  constructor(page) {
    this.page = page;
    this.nickname = page.getByTestId('join-nickname');
    this.phone = page.getByTestId('join-phone');
    this.building = page.getByTestId('join-building');
    this.submitButton = page.getByTestId('join-submit');
    this.alert = page.getByRole('alert');
    this.householdTags = page.getByRole('group', { name: /家庭情况|Household/ }).getByRole('checkbox');
    this.signInPart = page.locator('#sign-in');
    this.signInPhone = page.getByTestId('join-code-phone');
  }

  /** The label of each household tag, as laid out. */
  tagLabels() {
    return this.page.getByRole('group', { name: /家庭情况|Household/ }).locator('label');
  }

  /** Fills in who is joining; leaves fields not given as they are. */
  async fill({ nickname, phone, building }) {
    if (nickname !== undefined) await this.nickname.fill(nickname);
    if (phone !== undefined) await this.phone.fill(phone);
    if (building !== undefined) await this.building.fill(building);
  }

  /** Ticks a household tag such as 有老人. */
  async tick(tag) {
    await this.page.getByText(tag).click();
  }

  /** Submits the form (a refusal shows as an alert). */
  async submit() {
    await this.submitButton.click();
  }

  /** Submits the form and waits to be back in the shop, joined. */
  async join(store = STORE) {
    await this.submit();
    await this.page.waitForURL(`**/s/${store}`);
    await hydrated(this.page);
  }
}
