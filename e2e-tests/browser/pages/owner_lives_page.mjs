// `/owner/lives`: the owner's lives — announce one, and mark residents as KOCs.
import { BASE, hydrated } from '../phone.mjs';

export class OwnerLivesPage {
  constructor(page) {
    this.page = page;
    this.title = page.getByTestId('live-title');
    this.useDemoStream = page.getByTestId('live-use-demo-stream');
    this.coverUrl = page.getByTestId('live-cover-url');
    this.scheduleButton = page.getByTestId('live-schedule');
    this.scheduled = page.getByTestId('live-scheduled');
    this.residentRows = page.getByTestId('resident-row');
    this.residentSearch = page.getByTestId('resident-search');
  }

  async open() {
    await this.page.goto(`${BASE}/owner/lives`);
    await hydrated(this.page);
  }

  /** Announces a live (with the demo stream when `demoStream`); returns its id. */
  async schedule({ title, demoStream = false, cover }) {
    await this.title.fill(title);
    if (demoStream) await this.useDemoStream.click();
    if (cover !== undefined) await this.coverUrl.fill(cover);
    await this.scheduleButton.click();
    const done = this.scheduled.filter({ hasText: title });
    await done.waitFor();
    return (await done.getByRole('link').getAttribute('href')).split('/').pop();
  }

  /** The row of the resident called `nickname`. */
  residentRow(nickname) {
    return this.residentRows.filter({ hasText: nickname });
  }

  /** Finds a resident by name (a store has hundreds), switches them to KOC and waits
   * until the switch shows it. */
  async markKoc(nickname) {
    await this.residentSearch.fill(nickname);
    await this.residentSearch.press('Enter');
    const row = this.residentRow(nickname);
    await row.getByTestId('koc-toggle').click();
    await row.getByRole('button', { name: '设为KOC', pressed: true }).waitFor();
  }
}
