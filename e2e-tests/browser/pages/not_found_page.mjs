// The one not-found page (unknown store, product, live, order or address): what is
// missing, once, and a way back.

export class NotFoundPage {
  constructor(page) {
    this.page = page;
    this.panel = page.getByTestId('not-found');
    this.backLink = page.getByTestId('not-found-back');
    this.searchBox = page.getByRole('searchbox');
    this.bottomNav = page.getByTestId('nav-shop');
  }
}
