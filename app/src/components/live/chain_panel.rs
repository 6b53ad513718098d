//! The 接龙 list of a live: every accepted order as `23. 王** 3栋 +2`, newest first. One
//! component for the resident's room and the owner's console.

use super::Audience;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use shared_model::{
    live::{chain_line, RoomSnapshot},
    locale::format_clock,
};

/// The 接龙 list with its running total, following `room`.
///
/// The room shows it over the video, newest at the bottom and in view; the console shows
/// it as a card, newest on top, with the time each line came in and a grey total while
/// nobody has bought. Test ids: `chain-panel` (`data-total`), `chain-total`, `chain-line`.
#[component]
pub fn ChainPanel(room: RwSignal<RoomSnapshot>, audience: Audience) -> impl IntoView {
    let t = use_i18n();
    let owner = audience == Audience::Owner;
    let total = Memo::new(move |_| room.with(|r| r.chain_total));
    let lines = Memo::new(move |_| {
        room.with(|r| r.chain.iter().rev().map(|e| (e.seq, chain_line(e), owner.then(|| format_clock(e.at)))).collect::<Vec<_>>())
    });
    let look = match audience {
        Audience::Resident => Look {
            section: "live-panel live-chain",
            title: "live-panel-title",
            empty_class: "live-empty",
            empty: t.live_chain_empty(),
            list: "live-scroll",
            line: "live-chain-line",
        },
        Audience::Owner => Look {
            section: "console-panel",
            title: "console-panel-title",
            empty_class: "console-empty",
            empty: t.owner_chain_empty(),
            list: "owner-chain",
            line: "owner-chain-entry",
        },
    };
    let count = move || match (audience, total.get()) {
        (Audience::Owner, 0) => "console-count console-count-neutral",
        (Audience::Owner, _) => "console-count",
        (Audience::Resident, _) => "live-count",
    };
    view! {
        <section class=look.section data-testid="chain-panel" data-total=move || total.get().to_string()>
            <h2 class=look.title>{t.live_chain()} " " <span class=count data-testid="chain-total">{move || total.get()}</span></h2>
            {move || lines.with(Vec::is_empty).then(|| view! { <p class=look.empty_class>{look.empty}</p> })}
            // Newest first in the DOM; the room shows it bottom-up (column-reverse keeps the
            // newest in view).
            <ol class=look.list>
                <For each=move || lines.get() key=|(seq, _, _)| *seq let((_, line, at))>
                    <li class=look.line data-testid="chain-line">
                        {match at {
                            Some(at) => view! { <span>{line}</span><time class="muted small">{at}</time> }.into_any(),
                            None => line.into_any(),
                        }}
                    </li>
                </For>
            </ol>
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
    line: &'static str,
}
