//! The comments of a live, newest first, KOCs highlighted. One component for the
//! resident's room and the owner's console.

use super::Audience;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use shared_model::live::{LiveComment, RoomSnapshot};

/// The comments, following `room`; `children` go under the list (the room puts its
/// comment box there, the console has none).
///
/// Test ids: `comment-panel`, `comment` per comment (`data-koc`), `comment-koc` (the badge).
#[component]
pub fn CommentPanel(
    room: RwSignal<RoomSnapshot>,
    audience: Audience,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let t = use_i18n();
    let comments = Memo::new(move |_| room.with(RoomSnapshot::comments_newest_first));
    let look = match audience {
        Audience::Resident => Look {
            section: "live-panel live-comments",
            title: "live-panel-title",
            empty_class: "live-empty",
            empty: t.live_comments_empty(),
            list: "live-scroll",
            item: "live-comment",
            item_koc: "live-comment live-comment-koc",
            author: "live-comment-author",
            badge: "live-koc",
            text: "live-comment-text",
        },
        Audience::Owner => Look {
            section: "console-panel",
            title: "console-panel-title",
            empty_class: "console-empty",
            empty: t.owner_comments_empty(),
            list: "owner-comments",
            item: "owner-comment",
            item_koc: "owner-comment owner-comment-koc",
            author: "owner-comment-author",
            badge: "koc-badge",
            text: "owner-comment-text",
        },
    };
    view! {
        <section class=look.section data-testid="comment-panel">
            <h2 class=look.title>{t.live_comments()}</h2>
            {move || comments.with(Vec::is_empty).then(|| view! { <p class=look.empty_class>{look.empty}</p> })}
            <ul class=look.list>
                <For each=move || comments.get() key=|c| c.seq let(LiveComment { author, text, is_koc, .. })>
                    <li class=if is_koc { look.item_koc } else { look.item } data-testid="comment" data-koc=is_koc.to_string()>
                        <span class=look.author>{author}</span>
                        {is_koc.then(|| view! { <span class=look.badge data-testid="comment-koc">"KOC"</span> })}
                        <span class=look.text>{text}</span>
                    </li>
                </For>
            </ul>
            {children.map(|c| c())}
        </section>
    }
    .into_any()
}

/// The class names and empty-state text of one audience's panel (styled in `app.css`).
#[derive(Clone, Copy)]
struct Look {
    section: &'static str,
    title: &'static str,
    empty_class: &'static str,
    empty: &'static str,
    list: &'static str,
    item: &'static str,
    item_koc: &'static str,
    author: &'static str,
    badge: &'static str,
    text: &'static str,
}
