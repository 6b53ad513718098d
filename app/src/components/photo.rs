//! How a photo loads, by where it shows.
//!
//! The page's largest paint is among the photos of its first screen: those load at once
//! and first in line. The others load only as she scrolls near them, so they never share
//! a slow link with what she is looking at.

/// The `loading` attribute of a photo.
pub fn loading(on_first_screen: bool) -> &'static str {
    if on_first_screen {
        "eager"
    } else {
        "lazy"
    }
}

/// The `fetchpriority` attribute of a photo (none: the browser's own choice).
pub fn fetch_priority(on_first_screen: bool) -> Option<&'static str> {
    on_first_screen.then_some("high")
}
