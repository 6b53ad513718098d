//! `/owner/radar`: 需求雷达, what residents asked for over the last two weeks in their own
//! words (wishes and their +1s, live comments, reviews, searches that found nothing),
//! cut into words by the edge's Chinese segmenter and grouped into topics: each with the
//! distinct residents this week and last, its trend, where it was heard, the words said
//! with it, and the sentences behind it.
//!
//! Test ids: `radar-topics`, `radar-topic` (with `data-keyword`), `radar-count`.

use super::owner::{OwnerGate, OwnerNav, OwnerSection};
use crate::{
    api,
    components::{layout::TopBar, problem::ProblemNotice},
    i18n::{use_i18n, I18n},
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    brain::{Radar, Topic, VoiceSource},
    identity::Me,
    time::store_tz,
};

#[component]
pub fn OwnerRadarPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.radar_title()/>
        <TopBar title=t.radar_title() back="/owner"/>
        <main class="page">
            <OwnerGate signed_in=|me: Me| view! { <OwnerNav active=OwnerSection::Radar/><OwnerRadar store=me.store_id.to_string()/> }/>
        </main>
    }
}

#[component]
fn OwnerRadar(store: String) -> impl IntoView {
    let t = use_i18n();
    let brain = Resource::new(move || store.clone(), |store| api::get_brain(&store));
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                match brain.await {
                    Ok(brain) => view! { <RadarView radar=brain.radar/> }.into_any(),
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RadarView(radar: Radar) -> impl IntoView {
    let t = use_i18n();
    view! {
        <p class="muted small">{t.radar_summary(radar.voices_this_week, radar.residents_this_week)}</p>
        {radar.topics.is_empty().then(|| view! { <p class="empty-state">{t.radar_empty()}</p> })}
        <ol class="radar-list" data-testid="radar-topics">
            {radar.topics.into_iter().map(|topic| view! { <TopicRow topic/> }).collect_view()}
        </ol>
    }
}

/// ↑ rising, ↗ more than last week, ↘ fewer, → as many.
fn trend(topic: &Topic) -> (&'static str, &'static str) {
    let (now, before) = (topic.residents_this_week, topic.residents_last_week);
    match () {
        _ if topic.rising => ("↑", "up"),
        _ if now > before => ("↗", "up"),
        _ if now < before => ("↘", "down"),
        _ => ("→", "flat"),
    }
}

fn source_label(t: I18n, source: VoiceSource) -> &'static str {
    match source {
        VoiceSource::Wish => t.radar_source_wish(),
        VoiceSource::LiveComment => t.radar_source_comment(),
        VoiceSource::Review => t.radar_source_review(),
        VoiceSource::EmptySearch => t.radar_source_search(),
    }
}

#[component]
fn TopicRow(topic: Topic) -> impl IntoView {
    let t = use_i18n();
    let (arrow, direction) = trend(&topic);
    let trend_label = match direction {
        _ if topic.rising => t.radar_rising(),
        "up" => t.radar_more(),
        "down" => t.radar_fewer(),
        _ => t.radar_same(),
    };
    let others: Vec<String> = topic.words.iter().skip(1).cloned().collect();
    view! {
        <li class="radar-topic" class:rising=topic.rising data-testid="radar-topic" data-keyword=topic.keyword.clone()>
            <div class="radar-head">
                <strong class="radar-keyword">{topic.keyword.clone()}</strong>
                <span class=format!("radar-trend radar-trend-{direction}") title=trend_label aria-label=trend_label>{arrow}</span>
                <span class="radar-count" data-testid="radar-count">{t.radar_this_week_n(topic.residents_this_week)}</span>
                <span class="muted small">{t.radar_last_week_n(topic.residents_last_week)}</span>
            </div>
            <p class="muted small">
                {topic.sources.iter().map(|(source, n)| format!("{} {n}", source_label(t, *source))).collect::<Vec<_>>().join(" · ")}
            </p>
            {(!others.is_empty()).then(|| view! { <p class="small">{t.radar_words()} " " {others.join("、")}</p> })}
            {(!topic.related.is_empty()).then(|| view! { <p class="small">{t.radar_related()} " " {topic.related.join("、")}</p> })}
            <ul class="radar-evidence">
                {topic.evidence.into_iter().map(|e| {
                    let when = e.at.with_timezone(&store_tz()).format("%m-%d").to_string();
                    view! { <li><q>{e.text}</q>" "<span class="muted small">{source_label(t, e.source)} " · " {when}</span></li> }
                }).collect_view()}
            </ul>
        </li>
    }
}
