// `/s/:store/tastings/:tasting`: a resident books, waits, shows her code, cancels.
import { BASE, STORE, hydrated } from '../phone.mjs';

export class TastingPage {
  constructor(page) {
    this.page = page;
    this.bookButton = page.getByTestId('book-tasting');
    this.seats = page.getByTestId('booking-seats');
    this.myBooking = page.getByTestId('my-booking');
    this.position = page.getByTestId('waitlist-position');
    this.code = page.getByTestId('check-in-code');
    this.cancelButton = page.getByTestId('cancel-booking');
  }

  async open(tasting, store = STORE) {
    await this.page.goto(`${BASE}/s/${store}/tastings/${tasting}`);
    await hydrated(this.page);
  }

  /** Books (or joins the waitlist) and waits for the booking to show. */
  async book(seats = 1) {
    await this.seats.selectOption(String(seats));
    await this.bookButton.click();
    await this.myBooking.waitFor();
  }

  async cancel() {
    await this.cancelButton.click();
    await this.bookButton.waitFor();
  }
}
