//! Whether the page's wasm has taken over. The server renders every page complete and
//! readable (its links work with no script at all), but a button whose tap runs in the
//! wasm (buy, add to cart) would do nothing if tapped before the bundle has loaded. Such a
//! button reads [`use_hydrated`] and is rendered disabled until then, so it works as
//! soon as it shows enabled.

use leptos::prelude::*;

/// Whether the browser has hydrated the component calling this: `false` as rendered (on
/// the server, and while hydrating, so the two agree), turned on by an effect, which runs
/// only in the browser once the component is hydrated. Each caller keeps its own flag, so
/// it works the same in an island (a root of its own) and in a whole hydrated page.
pub fn use_hydrated() -> Signal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated.into()
}
