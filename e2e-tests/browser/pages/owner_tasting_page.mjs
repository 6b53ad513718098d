// `/owner/tastings/:tasting`: the owner's guest list and door screen.
import { BASE, hydrated } from '../phone.mjs';

export class OwnerTastingPage {
  constructor(page) {
    this.page = page;
    this.code = page.getByTestId('door-code');
    this.welcome = page.getByTestId('door-welcome');
    this.lines = page.getByTestId('booking-line');
  }

  async open(tasting) {
    await this.page.goto(`${BASE}/owner/tastings/${tasting}`);
    await hydrated(this.page);
  }

  /** Types the code the resident shows and waits for the welcome. */
  async checkIn(code) {
    await this.code.fill(code);
    await this.page.getByRole('button', { name: '签到', exact: true }).click();
    await this.welcome.waitFor();
  }
}
