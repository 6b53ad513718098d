//! The demo chain's community (`seed/community.json`): twenty neighbours per store, a
//! dozen wishes with their votes and the owner's answers, two upcoming tastings (the
//! first nearly full) booked through their desks, and an earlier tasting with its
//! answers, so the owner's NPS has a figure. Idempotent like the rest of the seed: rows are
//! `ON CONFLICT DO NOTHING`, and a tasting already there is not booked again.

use crate::{
    error::AppResult,
    services::tastings::TastingService,
    storage::{changes, nullable, number, tastings},
};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use shared_model::{
    community::{DemandStatus, NewBooking, Tasting, TastingStatus},
    identity::{Me, Role},
    time::local_day_at,
    PersonId, ProductId, StoreId, TastingId,
};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env};

const COMMUNITY: &str = include_str!("../../../seed/community.json");

#[derive(Deserialize)]
struct Community {
    residents: Vec<(String, String, String)>,
    demands: Vec<SeedDemand>,
    tastings: Vec<SeedTasting>,
}

#[derive(Deserialize)]
struct SeedDemand {
    text: String,
    category_id: Option<String>,
    price_fen: Option<i64>,
    votes: usize,
    #[serde(default)]
    status: Option<String>,
    product: Option<String>,
    reason: Option<String>,
}

/// A tasting `days_ahead` of today (negative: one that took place, with its answers).
#[derive(Deserialize)]
struct SeedTasting {
    title: String,
    days_ahead: i64,
    hour: u32,
    place: String,
    seats: u32,
    per_household: u32,
    /// Seats its neighbours book (upcoming ones only).
    booked: usize,
    products: Vec<String>,
    /// Its attendees' answers to the question after (past ones only).
    #[serde(default)]
    scores: Vec<i64>,
}

impl SeedTasting {
    fn tasting(&self, id: String, store: &StoreId, now: DateTime<Utc>) -> Tasting {
        Tasting {
            id: TastingId::new_unchecked(id),
            store_id: store.clone(),
            title: self.title.clone(),
            starts_at: local_day_at(now, self.days_ahead, self.hour).unwrap_or(now),
            place: self.place.clone(),
            seats: self.seats,
            seats_per_household: self.per_household,
            product_ids: self.products.iter().map(|p| ProductId::new_unchecked(p.clone())).collect(),
            cover_url: None,
            status: TastingStatus::Scheduled,
            created_at: now,
        }
    }
}

/// Seeds `store`'s community; returns the rows it inserted.
pub async fn seed_community(
    env: &Env,
    db: &D1Database,
    store: &StoreId,
    store_index: usize,
    now: DateTime<Utc>,
) -> AppResult<u32> {
    let community: Community = serde_json::from_str(COMMUNITY)?;
    let at = now.to_rfc3339();
    let neighbours: Vec<Me> = community
        .residents
        .iter()
        .enumerate()
        .map(|(i, (nickname, building, unit))| Me {
            person_id: PersonId::new_unchecked(format!("r-demo-{store}-{i:02}")),
            store_id: store.clone(),
            nickname: nickname.clone(),
            role: Role::Resident,
            building: building.clone(),
            unit: unit.clone(),
            household_tags: Vec::new(),
            is_koc: false,
        })
        .collect();
    let mut statements: Vec<D1PreparedStatement> = Vec::new();
    for (i, me) in neighbours.iter().enumerate() {
        statements.push(
            db.prepare(
                "INSERT INTO people (id, store_id, role, nickname, phone, building, unit, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                me.person_id.as_str().into(),
                store.as_str().into(),
                Role::Resident.as_str().into(),
                me.nickname.as_str().into(),
                format!("1390{store_index:03}{i:04}").into(),
                me.building.as_str().into(),
                me.unit.as_str().into(),
                at.as_str().into(),
            ])?,
        );
    }
    for (d, demand) in community.demands.iter().enumerate() {
        let id = format!("d-demo-{store}-{d:02}");
        let author = &neighbours[d % neighbours.len()];
        let status = demand.status.as_deref().unwrap_or(DemandStatus::Collecting.as_str());
        // Older wishes first, so the list reads like weeks of use.
        let created = (now - Duration::hours(6 * (community.demands.len() - d) as i64)).to_rfc3339();
        statements.push(
            db.prepare(
                "INSERT INTO demands (id, store_id, author_id, text, category_id, price_fen, status, product_id, decline_reason, \
                 created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                id.as_str().into(),
                store.as_str().into(),
                author.person_id.as_str().into(),
                demand.text.as_str().into(),
                nullable(demand.category_id.as_deref()),
                demand.price_fen.map_or(JsValue::NULL, number),
                status.into(),
                nullable(demand.product.as_deref()),
                nullable(demand.reason.as_deref()),
                created.as_str().into(),
            ])?,
        );
        // Its author wants it, and the next neighbours after her.
        for v in 0..demand.votes.min(neighbours.len()) {
            let voter = &neighbours[(d + v) % neighbours.len()];
            statements.push(
                db.prepare(
                    "INSERT INTO demand_votes (demand_id, person_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                )
                .bind(&[id.as_str().into(), voter.person_id.as_str().into(), created.as_str().into()])?,
            );
        }
    }
    let (past, upcoming): (Vec<_>, Vec<_>) = community.tastings.iter().enumerate().partition(|(_, t)| t.days_ahead < 0);
    for (n, seed) in past {
        let tasting = seed.tasting(format!("t-demo-{store}-{n}"), store, now);
        statements.push(tastings::insert(db, &tasting)?);
        for (i, score) in seed.scores.iter().enumerate() {
            statements.push(
                db.prepare(
                    "INSERT INTO nps_answers (tasting_id, person_id, store_id, score, created_at) VALUES (?1, ?2, ?3, ?4, ?5) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(&[
                    tasting.id.as_str().into(),
                    neighbours[i % neighbours.len()].person_id.as_str().into(),
                    store.as_str().into(),
                    number(*score),
                    at.as_str().into(),
                ])?,
            );
        }
    }
    let mut inserted: u32 = db.batch(statements).await?.iter().map(|r| changes(r) as u32).sum();

    // Upcoming tastings: booked through their desks, only when the tasting is new.
    let service = TastingService::new(env)?;
    for (n, seed) in upcoming {
        let tasting = seed.tasting(format!("t-demo-{store}-{n}"), store, now);
        if changes(&tastings::insert(db, &tasting)?.run().await?) == 0 {
            continue;
        }
        inserted += 1;
        let mut seats_booked = 0;
        for guest in neighbours.iter().rev() {
            if seats_booked >= seed.booked {
                break;
            }
            // Mothers bring a child when two seats are still to fill.
            let seats = if seed.booked - seats_booked >= 2 && guest.nickname.contains('妈') { 2 } else { 1 };
            service.book(guest, &tasting.id, NewBooking { seats, no_waitlist: true }, now).await?;
            seats_booked += seats as usize;
            inserted += 1;
        }
    }
    Ok(inserted)
}
