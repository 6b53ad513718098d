//! Whether the page's wasm has taken over. The server renders every page complete and
//! readable (its links work with no script at all), but a button whose tap runs in the
//! wasm (buy, add to cart) would do nothing if tapped before the bundle has loaded. Such a
//! button reads [`use_hydrated`] and is rendered disabled until then, so it works as
//! soon as it shows enabled.

use leptos::prelude::*;

/// `true` once the browser has hydrated the page; never on the server.
#[derive(Clone, Copy, Debug)]
struct Hydrated(ReadSignal<bool>);

/// Provides the flag: `false` as rendered (on the server, and while hydrating so the two
/// agree), turned on by an effect, which runs only in the browser after hydration.
pub fn provide_hydration_context() {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    provide_context(Hydrated(hydrated));
}

/// Whether the page is hydrated (`false` where no context was provided).
pub fn use_hydrated() -> Signal<bool> {
    match use_context::<Hydrated>() {
        Some(Hydrated(hydrated)) => hydrated.into(),
        None => Signal::stored(false),
    }
}
