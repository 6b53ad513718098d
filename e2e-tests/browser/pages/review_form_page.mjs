// `/s/:store/orders/:order/review/:product`: stars, words and photos for one product of a
// picked-up order.
export class ReviewFormPage {
  constructor(page) {
    this.page = page;
    this.product = page.getByTestId('review-product');
    this.text = page.getByTestId('review-text');
    this.photos = page.getByTestId('review-photos');
    this.previews = page.locator('.review-form .review-photo');
    this.submitButton = page.getByTestId('review-submit');
  }

  /** Taps the `n`-th star. */
  async rate(n) {
    await this.page.getByTestId(`star-${n}`).click();
  }

  /** Picks photos as the phone's file picker would hand them over. */
  async pick(files) {
    await this.photos.setInputFiles(files);
    await this.previews.nth(files.length - 1).waitFor();
  }
}
