// `/l/:live`: the live room as a resident (or a visitor) sees it — the stream, the pinned
// offer with its prices, countdown, stepper and buy button, the 接龙 list and comments.
import { BASE } from '../phone.mjs';

export class LivePage {
  constructor(page) {
    this.page = page;
    this.status = page.getByTestId('live-status');
    this.video = page.getByTestId('live-video');
    this.noOffer = page.getByTestId('no-offer');
    this.offer = page.getByTestId('live-offer');
    this.offerName = page.getByTestId('live-offer-name');
    this.price = page.getByTestId('live-price');
    this.priceTier = page.getByTestId('live-tier');
    this.regularPrice = page.getByTestId('live-regular-price');
    this.otherPrice = page.getByTestId('live-other-price');
    this.stock = page.getByTestId('live-stock');
    this.timer = page.getByTestId('live-timer');
    this.quantity = page.getByTestId('live-qty');
    this.moreButton = page.getByTestId('live-qty-inc');
    this.buyButton = page.getByTestId('live-buy');
    this.joinToBuy = page.getByTestId('live-join');
    this.buySuccess = page.getByTestId('live-buy-success');
    this.orderLink = page.getByTestId('live-order-link');
    this.pickupCode = page.getByTestId('live-pickup-code');
    this.alert = page.getByRole('alert');
    this.capReason = page.getByTestId('live-cap-reason');
    this.toast = page.getByTestId('toast');
    this.chainTotal = page.getByTestId('chain-panel').getByTestId('chain-total');
    this.chainLines = page.getByTestId('chain-panel').getByTestId('chain-line');
    this.comments = page.getByTestId('comment-panel').getByTestId('comment');
    this.commentBox = page.getByRole('textbox', { name: '评论' });
    this.sendButton = page.getByRole('button', { name: '发送' });
  }

  async open(live) {
    await this.page.goto(`${BASE}/l/${live}`);
  }

  /** The offer on the card once it is the one named `name`. */
  offerNamed(name) {
    return this.offerName.filter({ hasText: name });
  }

  /** One more unit on the stepper. */
  async addOne() {
    await this.moreButton.click();
  }

  /** The buy button once it reads exactly `label` (e.g. 立即抢购). */
  buyButtonReading(label) {
    return this.buyButton.filter({ hasText: new RegExp(`^${label}$`) });
  }

  /** Sends a comment from the box under the comments. */
  async sendComment(text) {
    await this.commentBox.fill(text);
    await this.sendButton.click();
  }

  /** The comments that contain `text`. */
  comment(text) {
    return this.comments.filter({ hasText: text });
  }

  /** The KOC badge of a comment. */
  kocBadge(comment) {
    return comment.getByTestId('comment-koc');
  }
}
