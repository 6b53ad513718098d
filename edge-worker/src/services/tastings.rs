//! 品鉴会: the owner's tastings (D1), their bookings (each tasting's `TastingDesk`, which
//! decides them one at a time), the door check-in, the question after the evening and
//! the store's NPS from its answers, and the "tasting tomorrow" reminders.

use super::catalog::CatalogService;
use crate::{
    clients::desk::{DeskClient, DeskCounts, Guest},
    error::{AppError, AppResult},
    http::random_id,
    storage::{self, changes, nullable, stored, stored_time},
};
use chrono::{DateTime, Duration, Utc};
use futures::future::join_all;
use serde::Deserialize;
use shared_model::{
    access::{authorize, Action},
    api::{MyBooking, StoreNps, TastedProduct, TastingBookings, TastingCard, TastingList},
    community::{
        check_can_answer, tasting_reminder_due, NewBooking, NewTasting, NpsAnswer, NpsError, NpsScore, NpsSummary, Tasting,
        TastingError, TastingStatus, STORE_NPS_WINDOW_DAYS,
    },
    identity::{Me, Role},
    PersonId, ProductId, StoreId, TastingId,
};
use worker::{D1Database, Env};

/// How long a past tasting stays in the store's list.
const PAST_DAYS_LISTED: i64 = 30;

const TASTING_COLUMNS: &str = "id, store_id, title, starts_at, place, seats, seats_per_household, product_ids, cover_url, \
     status, created_at, seats_taken, waitlisted";

#[derive(Deserialize)]
struct TastingRow {
    id: String,
    store_id: String,
    title: String,
    starts_at: String,
    place: String,
    seats: u32,
    seats_per_household: u32,
    product_ids: String,
    cover_url: Option<String>,
    status: String,
    created_at: String,
    seats_taken: u32,
    waitlisted: u32,
}

impl TastingRow {
    fn into_parts(self) -> AppResult<(Tasting, DeskCounts)> {
        let product_ids: Vec<ProductId> = serde_json::from_str(&self.product_ids)?;
        let tasting = Tasting {
            id: TastingId::new_unchecked(self.id),
            store_id: StoreId::new_unchecked(self.store_id),
            title: self.title,
            starts_at: stored_time(&self.starts_at)?,
            place: self.place,
            seats: self.seats,
            seats_per_household: self.seats_per_household,
            product_ids,
            cover_url: self.cover_url,
            status: stored("tasting status", &self.status, TastingStatus::parse)?,
            created_at: stored_time(&self.created_at)?,
        };
        Ok((tasting, DeskCounts { seats_taken: self.seats_taken, waitlisted: self.waitlisted, version: 0 }))
    }
}

fn card(tasting: Tasting, counts: DeskCounts, my_booking: Option<MyBooking>, now: DateTime<Utc>) -> TastingCard {
    TastingCard {
        started: tasting.has_started(now),
        seats_left: tasting.seats_left(counts.seats_taken),
        waitlisted: counts.waitlisted,
        tasting,
        my_booking,
        survey_open: false,
        products: Vec::new(),
    }
}

pub struct TastingService {
    db: D1Database,
    env: Env,
}

impl TastingService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, env: env.clone() })
    }

    fn desk(&self) -> AppResult<DeskClient> {
        DeskClient::new(&self.env)
    }

    async fn tasting(&self, id: &TastingId) -> AppResult<(Tasting, DeskCounts)> {
        let row: TastingRow = self
            .db
            .prepare(format!("SELECT {TASTING_COLUMNS} FROM tastings WHERE id = ?1"))
            .bind(&[id.as_str().into()])?
            .first(None)
            .await?
            .ok_or(TastingError::TastingNotFound)?;
        row.into_parts()
    }

    /// Keeps D1's copy of the desk's counts, unless a newer answer already did.
    async fn mirror(&self, tasting: &TastingId, counts: DeskCounts) -> AppResult<()> {
        self.db
            .prepare("UPDATE tastings SET seats_taken = ?1, waitlisted = ?2, counts_version = ?3 WHERE id = ?4 AND counts_version < ?3")
            .bind(&[counts.seats_taken.into(), counts.waitlisted.into(), (counts.version as f64).into(), tasting.as_str().into()])?
            .run()
            .await?;
        Ok(())
    }

    /// The owner schedules a tasting; its products must be the store's.
    pub async fn create(&self, me: &Me, store: &StoreId, new: &NewTasting, now: DateTime<Utc>) -> AppResult<TastingCard> {
        authorize(Some(me), Action::ManageStore(store))?;
        let valid = new.validate(now)?;
        let known = CatalogService::new(&self.env)?.products(store, &valid.product_ids).await?;
        if known.len() != valid.product_ids.len() {
            return Err(AppError::not_found("product_not_found"));
        }
        let tasting = Tasting::schedule(TastingId::new_unchecked(random_id("t")?), store.clone(), valid, now);
        storage::tastings::insert(&self.db, &tasting)?.run().await?;
        Ok(card(tasting, DeskCounts::default(), None, now))
    }

    /// The store's tastings: upcoming ones soonest first, then the past month's, newest
    /// first. A signed-in resident sees her bookings of the upcoming ones.
    pub async fn list(&self, store: &StoreId, me: Option<&Me>, now: DateTime<Utc>) -> AppResult<TastingList> {
        let rows: Vec<TastingRow> = self
            .db
            .prepare(format!("SELECT {TASTING_COLUMNS} FROM tastings WHERE store_id = ?1 AND starts_at > ?2 ORDER BY starts_at"))
            .bind(&[store.as_str().into(), (now - Duration::days(PAST_DAYS_LISTED)).to_rfc3339().into()])?
            .all()
            .await?
            .results()?;
        let guest = me.filter(|m| m.store_id == *store && m.role == Role::Resident);
        let parts = rows.into_iter().map(TastingRow::into_parts).collect::<AppResult<Vec<_>>>()?;
        let (upcoming, mut past): (Vec<_>, Vec<_>) = parts.into_iter().partition(|(t, _)| t.starts_at > now);
        past.reverse();
        let cards = join_all(upcoming.into_iter().chain(past).map(|(tasting, counts)| async move {
            match guest {
                Some(me) if tasting.starts_at > now && tasting.status == TastingStatus::Scheduled => {
                    self.card_for(tasting, me, now).await
                }
                _ => Ok(card(tasting, counts, None, now)),
            }
        }))
        .await;
        Ok(TastingList { tastings: cards.into_iter().collect::<AppResult<Vec<_>>>()? })
    }

    /// The tasting with the resident's own booking, fresh from its desk.
    async fn card_for(&self, tasting: Tasting, me: &Me, now: DateTime<Utc>) -> AppResult<TastingCard> {
        let reply = self.desk()?.mine(&tasting, &me.person_id).await?;
        // The question opens at the start: before it, lists skip the answers' lookup.
        let survey_open = match &reply.mine {
            Some(mine) if tasting.has_started(now) => {
                let answered = self.answered(&tasting.id, &me.person_id).await?;
                check_can_answer(Some(mine.status), answered, tasting.starts_at, now).is_ok()
            }
            _ => false,
        };
        let mut card = card(tasting, reply.counts, reply.mine, now);
        card.survey_open = survey_open;
        Ok(card)
    }

    /// One tasting with the names of its products; its store's residents also see their
    /// booking.
    pub async fn get(&self, id: &TastingId, me: Option<&Me>, now: DateTime<Utc>) -> AppResult<TastingCard> {
        let (tasting, counts) = self.tasting(id).await?;
        let rows = CatalogService::new(&self.env)?.products(&tasting.store_id, &tasting.product_ids).await?;
        let products = tasting
            .product_ids
            .iter()
            .filter_map(|id| {
                rows.iter().find(|r| r.id() == id.as_str()).map(|r| TastedProduct { id: id.clone(), name: r.name().to_owned() })
            })
            .collect();
        let mut card = match me.filter(|m| m.store_id == tasting.store_id && m.role == Role::Resident) {
            Some(me) => self.card_for(tasting, me, now).await?,
            None => card(tasting, counts, None, now),
        };
        card.products = products;
        Ok(card)
    }

    /// A resident of the tasting's store books seats, or joins the waitlist.
    pub async fn book(&self, me: &Me, id: &TastingId, request: NewBooking, now: DateTime<Utc>) -> AppResult<TastingCard> {
        let (tasting, _) = self.tasting(id).await?;
        authorize(Some(me), Action::ShopAt(&tasting.store_id))?;
        tasting.check_open(now)?;
        let reply = self.desk()?.book(&tasting, Guest::from(me), request).await?;
        self.mirror(id, reply.counts).await?;
        Ok(card(tasting, reply.counts, Some(reply.mine), now))
    }

    /// The resident cancels her booking; the desk promotes the waitlist.
    pub async fn cancel_booking(&self, me: &Me, id: &TastingId, now: DateTime<Utc>) -> AppResult<TastingCard> {
        let (tasting, _) = self.tasting(id).await?;
        authorize(Some(me), Action::ShopAt(&tasting.store_id))?;
        let reply = self.desk()?.cancel(&tasting, &me.person_id).await?;
        self.mirror(id, reply.counts).await?;
        Ok(card(tasting, reply.counts, None, now))
    }

    /// The resident's check-in code, while her seats are confirmed.
    pub async fn check_in_code(&self, me: &Me, id: &TastingId) -> AppResult<String> {
        let (tasting, _) = self.tasting(id).await?;
        authorize(Some(me), Action::ShopAt(&tasting.store_id))?;
        let mine = self.desk()?.mine(&tasting, &me.person_id).await?.mine.ok_or(TastingError::BookingNotFound)?;
        Ok(mine.check_in_code.ok_or(TastingError::NotConfirmed)?)
    }

    /// The owner's list of a tasting's bookings, with its answers so far.
    pub async fn bookings(&self, me: &Me, id: &TastingId, now: DateTime<Utc>) -> AppResult<TastingBookings> {
        let (tasting, _) = self.tasting(id).await?;
        authorize(Some(me), Action::ManageStore(&tasting.store_id))?;
        let reply = self.desk()?.bookings(&tasting).await?;
        let survey = self.survey("tasting_id", tasting.id.as_str(), None).await?;
        Ok(TastingBookings { tasting: card(tasting, reply.counts, None, now), bookings: reply.bookings, survey })
    }

    /// The owner's door screen checks a resident in by the code she shows.
    pub async fn check_in(&self, me: &Me, id: &TastingId, code: String) -> AppResult<shared_model::api::BookingLine> {
        let (tasting, _) = self.tasting(id).await?;
        authorize(Some(me), Action::ManageStore(&tasting.store_id))?;
        let reply = self.desk()?.check_in(&tasting, code).await?;
        self.mirror(id, reply.counts).await?;
        Ok(reply.booking)
    }

    /// The owner calls a tasting off before it starts; every booking is void.
    pub async fn cancel_tasting(&self, me: &Me, id: &TastingId, now: DateTime<Utc>) -> AppResult<TastingCard> {
        let (mut tasting, _) = self.tasting(id).await?;
        authorize(Some(me), Action::ManageStore(&tasting.store_id))?;
        tasting.cancel(now)?;
        let result = self
            .db
            .prepare("UPDATE tastings SET status = ?1 WHERE id = ?2 AND status = ?3")
            .bind(&[tasting.status.as_str().into(), id.as_str().into(), TastingStatus::Scheduled.as_str().into()])?
            .run()
            .await?;
        if changes(&result) == 0 {
            return Err(TastingError::TastingCancelled.into());
        }
        let counts = self.desk()?.void(&tasting).await?;
        self.mirror(id, counts).await?;
        Ok(card(tasting, counts, None, now))
    }

    async fn answered(&self, tasting: &TastingId, person: &PersonId) -> AppResult<bool> {
        Ok(self
            .db
            .prepare("SELECT 1 AS n FROM nps_answers WHERE tasting_id = ?1 AND person_id = ?2")
            .bind(&[tasting.as_str().into(), person.as_str().into()])?
            .first::<serde_json::Value>(None)
            .await?
            .is_some())
    }

    /// An attendee answers the question after the tasting, once.
    pub async fn answer(&self, me: &Me, id: &TastingId, answer: &NpsAnswer, now: DateTime<Utc>) -> AppResult<TastingCard> {
        let (tasting, _) = self.tasting(id).await?;
        authorize(Some(me), Action::ShopAt(&tasting.store_id))?;
        let valid = answer.validate()?;
        let reply = self.desk()?.mine(&tasting, &me.person_id).await?;
        let answered = self.answered(id, &me.person_id).await?;
        check_can_answer(reply.mine.as_ref().map(|m| m.status), answered, tasting.starts_at, now)?;
        let result = self
            .db
            .prepare(
                "INSERT INTO nps_answers (tasting_id, person_id, store_id, score, comment, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                id.as_str().into(),
                me.person_id.as_str().into(),
                tasting.store_id.as_str().into(),
                valid.score.get().into(),
                nullable(valid.comment.as_deref()),
                now.to_rfc3339().into(),
            ])?
            .run()
            .await?;
        if changes(&result) == 0 {
            return Err(NpsError::AlreadyAnswered.into());
        }
        // Answered: the question is closed for her (`survey_open` false), the rest as read.
        Ok(card(tasting, reply.counts, reply.mine, now))
    }

    /// The store's NPS over the last `STORE_NPS_WINDOW_DAYS` days (owner).
    pub async fn store_nps(&self, me: &Me, store: &StoreId, now: DateTime<Utc>) -> AppResult<StoreNps> {
        authorize(Some(me), Action::ManageStore(store))?;
        let since = now - Duration::days(STORE_NPS_WINDOW_DAYS);
        let summary = self.survey("store_id", store.as_str(), Some(since)).await?;
        Ok(StoreNps { summary, window_days: STORE_NPS_WINDOW_DAYS as u32 })
    }

    /// The answers whose `column` is `value`, since `since`, counted.
    async fn survey(&self, column: &str, value: &str, since: Option<DateTime<Utc>>) -> AppResult<NpsSummary> {
        #[derive(Deserialize)]
        struct ScoreRow {
            score: i64,
        }
        let since = since.map_or_else(String::new, |t| t.to_rfc3339());
        let rows: Vec<ScoreRow> = self
            .db
            .prepare(format!("SELECT score FROM nps_answers WHERE {column} = ?1 AND created_at >= ?2"))
            .bind(&[value.into(), since.into()])?
            .all()
            .await?
            .results()?;
        Ok(NpsSummary::of(rows.into_iter().filter_map(|r| NpsScore::new(r.score))))
    }

    /// Sends "tasting tomorrow" to the confirmed guests of every tasting whose reminder is
    /// due (the cron, every few minutes). Each desk tells each guest once, so a run that
    /// fails halfway is simply run again.
    pub async fn send_reminders(&self, now: DateTime<Utc>) -> AppResult<u32> {
        let rows: Vec<TastingRow> = self
            .db
            .prepare(format!(
                "SELECT {TASTING_COLUMNS} FROM tastings WHERE status = ?1 AND reminded_at IS NULL AND starts_at > ?2 AND starts_at < ?3"
            ))
            .bind(&[
                TastingStatus::Scheduled.as_str().into(),
                now.to_rfc3339().into(),
                (now + Duration::days(2)).to_rfc3339().into(),
            ])?
            .all()
            .await?
            .results()?;
        let desk = self.desk()?;
        let mut reminded = 0;
        for row in rows {
            let (tasting, _) = row.into_parts()?;
            if !tasting_reminder_due(tasting.starts_at, now) {
                continue;
            }
            reminded += desk.remind(&tasting).await?.reminded;
            self.db
                .prepare("UPDATE tastings SET reminded_at = ?1 WHERE id = ?2")
                .bind(&[now.to_rfc3339().into(), tasting.id.as_str().into()])?
                .run()
                .await?;
        }
        Ok(reminded)
    }
}
