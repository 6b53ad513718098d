// `/owner/reviews`: every review of the store; feature, unfeature, hide with a reason.
import { BASE, hydrated } from '../phone.mjs';

export class OwnerReviewsPage {
  constructor(page) {
    this.page = page;
    this.reviews = page.getByTestId('owner-review-list').getByTestId('review');
  }

  async open() {
    await this.page.goto(`${BASE}/owner/reviews`);
    await hydrated(this.page);
  }

  review(text) {
    return this.reviews.filter({ hasText: text });
  }

  /** Taps 设为精选 and waits for the review to say 精选. */
  async feature(text) {
    await this.review(text).getByRole('button', { name: '设为精选' }).click();
    await this.review(text).getByRole('button', { name: '取消精选' }).waitFor();
  }

  /** Hides a review with a reason its author reads. */
  async hide(text, reason) {
    const row = this.review(text);
    await row.getByTestId('owner-review-reason').fill(reason);
    await row.getByRole('button', { name: '隐藏', exact: true }).click();
    await row.getByRole('button', { name: '恢复显示' }).waitFor();
  }
}
